using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Consensus;

/// <summary>
/// A peer that joined without being one of the launch peers: it learns the outcome but never
/// promises, accepts or proposes, so it cannot tip a quorum nor land in the decided set by itself.
/// Its gossip only relays other peers' claims.
/// </summary>
public sealed class Observer : Participant
{
    public Observer(PeerName self, int quorum)
        : base(self, quorum, PaxosState.Empty)
    {
    }

    /// <summary>An observer persists only what it learned; restoring it just resumes relaying.</summary>
    public static Observer Restore(PeerName self, int quorum, PaxosState persisted) =>
        new(self, quorum) { State = persisted };

    public override NodeClaims OwnClaims => NodeClaims.None;

    public override bool Propose() => false;

    public override bool Think() => false;
}
