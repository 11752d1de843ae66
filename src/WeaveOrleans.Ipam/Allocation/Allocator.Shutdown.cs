using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>
    /// Leaves the network (<c>weave reset</c>): cancels pending work and hands every range to an heir,
    /// preferring a connected peer that owns ranges, then a connected peer known by nickname, then any
    /// owner, then anyone known. Answered at once, as a completion for <paramref name="requestId"/>
    /// naming the heir (<see cref="PeerName.None"/> when there is none).
    /// </summary>
    public void Shutdown(long requestId, TimeSpan now) => Complete(requestId, new Outcome.Ok(Heir: HandOverAll(now)));

    private PeerName HandOverAll(TimeSpan now)
    {
        _shuttingDown = true;
        CancelAll("peer is shutting down");
        // A removed peer's ranges belong to whoever took them over: it has nothing to hand on.
        if (Ring.IsEmpty || RemovedFromNetwork)
            return PeerName.None;
        var heir = PickHeir();
        if (heir == PeerName.None)
        {
            Log(LogLevel.Warning, "No other peer to hand this peer's ranges to");
            return heir;
        }
        Ownership.HandOver(heir);
        // Recorded like a removal: the heir owns what still names this peer, and nobody may rmpeer it.
        _removals.Record(Self, heir);
        MetaChanged();
        _idents.Clear();
        _dead.Clear();
        Log(LogLevel.Info, $"Handed every range to {NameOf(heir)}");
        BroadcastGossip();
        return heir;
    }

    private PeerName PickHeir()
    {
        bool Candidate(PeerName p) => p != Self && p != PeerName.None && !_removals.IsRemoved(p);
        bool Live(PeerName p) => _peers.Reachable.Contains(p);
        var known = _peers.Nicknames.Keys.Where(Candidate).Order().ToList();
        return Ring.PickPeerForTransfer(p => Candidate(p) && Live(p)) is var liveOwner && liveOwner != PeerName.None ? liveOwner
            : known.FirstOrDefault(Live) is var liveKnown && liveKnown != PeerName.None ? liveKnown
            : Ring.PickPeerForTransfer(Candidate) is var owner && owner != PeerName.None ? owner
            : known.FirstOrDefault(PeerName.None);
    }
}
