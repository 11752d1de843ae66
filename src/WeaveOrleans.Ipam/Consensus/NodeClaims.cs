namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// What one acceptor has said: it will ignore ballots below <see cref="Promise"/>, and it last
/// accepted <see cref="Accepted"/> under ballot <see cref="AcceptedId"/>.
/// </summary>
public sealed record NodeClaims(ProposalId Promise, ProposalId AcceptedId, AcceptedValue? Accepted)
{
    public static readonly NodeClaims None = new(ProposalId.None, ProposalId.None, null);

    public bool HasAccepted => !AcceptedId.IsNone && Accepted is not null;

    /// <summary>
    /// The least upper bound of two reports about the same node. Promise and acceptance are joined
    /// separately because gossip may bring each from a different moment of that node's life; both
    /// only ever grow, so the larger of each is the more recent.
    /// </summary>
    public static NodeClaims Join(NodeClaims a, NodeClaims b)
    {
        if (ReferenceEquals(a, b))
            return a;
        var acceptance = CompareAcceptance(a, b) >= 0 ? a : b;
        var promise = ProposalId.Max(a.Promise, b.Promise);
        return promise == acceptance.Promise ? acceptance : acceptance with { Promise = promise };
    }

    // Ballot first; the value only breaks ties that a correct run never produces.
    private static int CompareAcceptance(NodeClaims a, NodeClaims b)
    {
        var c = a.AcceptedId.CompareTo(b.AcceptedId);
        if (c != 0)
            return c;
        if (a.Accepted is null)
            return b.Accepted is null ? 0 : -1;
        return a.Accepted.CompareTo(b.Accepted);
    }
}
