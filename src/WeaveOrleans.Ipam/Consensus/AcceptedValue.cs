using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// The value being agreed: the peers that will split the address range, plus the proposer that first
/// picked them (kept when later ballots carry the value forward, so logs show whose view won).
/// </summary>
public sealed record AcceptedValue(ImmutableArray<PeerName> Peers, PeerName Origin) : IComparable<AcceptedValue>
{
    // Normalised here so that two values built from the same peers in any order are equal.
    public ImmutableArray<PeerName> Peers { get; } = Normalize(Peers);

    public AcceptedValue(IEnumerable<PeerName> peers, PeerName origin)
        : this(peers.ToImmutableArray(), origin)
    {
    }

    private static ImmutableArray<PeerName> Normalize(ImmutableArray<PeerName> peers) =>
        peers.IsDefaultOrEmpty ? [] : [.. peers.Distinct().Order()];

    // ImmutableArray compares by reference, so records would call equal values different.
    public bool Equals(AcceptedValue? other) =>
        ReferenceEquals(this, other)
        || (other is not null && Origin == other.Origin && Peers.AsSpan().SequenceEqual(other.Peers.AsSpan()));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Origin);
        foreach (var peer in Peers)
            hash.Add(peer);
        return hash.ToHashCode();
    }

    /// <summary>
    /// An arbitrary but total order. Correct runs never hold two values under one ballot; the order
    /// exists so that merging even malformed states stays commutative.
    /// </summary>
    public int CompareTo(AcceptedValue? other)
    {
        if (other is null)
            return 1;
        var c = Origin.CompareTo(other.Origin);
        if (c != 0)
            return c;
        c = Peers.Length.CompareTo(other.Peers.Length);
        for (var i = 0; c == 0 && i < Peers.Length; i++)
            c = Peers[i].CompareTo(other.Peers[i]);
        return c;
    }

    public override string ToString() => $"[{string.Join(", ", Peers)}] from {Origin}";
}
