using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Peers removed with rmpeer, each with the peer that took over its ranges.</summary>
    public IReadOnlyDictionary<PeerName, PeerName> RemovedPeers => _removals.All;

    /// <summary>
    /// rmpeer: takes over every range of a dead peer, named by peer name or nickname. Refused for this
    /// peer itself, for a peer that is connected right now (it is alive: its addresses would be given
    /// out twice) and for a peer another live peer already removed (two takeovers of one range would
    /// duplicate each other's addresses). Before the ring exists there is nothing to take: it answers
    /// 0 and records nothing, so the peer can still be removed once the ring names it. Answered at
    /// once, as a completion for <paramref name="requestId"/>.
    /// </summary>
    public void RemovePeer(long requestId, string nameOrNickname, TimeSpan now) =>
        Complete(requestId, TryRemovePeer(nameOrNickname, now));

    private Outcome TryRemovePeer(string nameOrNickname, TimeSpan now)
    {
        var peer = _peers.Resolve(nameOrNickname);
        if (peer is not { } victim || Ring.IsEmpty)
            return new Outcome.Ok(TakenOver: UInt128.Zero);
        if (_peers.Reachable.Count > 0 && !_heardFromPeers)
            return new Outcome.Failed($"Cannot remove {nameOrNickname} yet: this peer has not heard from the others since it started, and may itself have been removed. Try again in a moment");
        if (victim == Self)
            return new Outcome.Failed($"Cannot remove {nameOrNickname}: it is this peer (use 'weave reset' to leave the network)");
        // A peer already declared dead that is back is still to be removed: it refuses to allocate
        // once it knows, and nothing it says is taken.
        if (_peers.Reachable.Contains(victim) && !_removals.IsRemoved(victim))
            return new Outcome.Failed($"Cannot remove {NameOf(victim)}: it is connected to this peer, so it is not dead. Stop it or run 'weave reset' on it first");
        if (_removals.TryGetRemover(victim, out var remover) && !_removals.InheritedBy(Self, remover) && !_removals.IsRemoved(remover))
            return new Outcome.Failed($"Cannot remove {NameOf(victim)}: {NameOf(remover)} has already removed it and taken over its ranges (if {NameOf(remover)} is dead too, remove it first)");
        var taken = TakeOverHeld(victim);
        _removals.Record(victim, Self);
        MetaChanged();
        Confirmed(victim);
        Log(LogLevel.Info, $"Took over {taken} addresses from removed peer {NameOf(victim)}");
        SpreadChange();
        RetryPending(now, tick: false);
        return new Outcome.Ok(TakenOver: taken);
    }

    /// <summary>Takes the removals another peer knows; each removed peer no longer holds a quarantine back.</summary>
    /// <returns>The removals that were new (a victim, and the remover known before, if any).</returns>
    private IReadOnlyList<(PeerName Victim, PeerName Previous)> MergeRemovals(IReadOnlyDictionary<PeerName, PeerName> incoming)
    {
        var changed = _removals.Merge(incoming);
        foreach (var (victim, previous) in changed)
        {
            if (previous != default)
                Log(LogLevel.Warning, $"{NameOf(victim)} was removed by both {NameOf(previous)} and {NameOf(_removals.All[victim])}");
            Confirmed(victim);
        }
        return changed;
    }

    /// <summary>
    /// A grant to a removed peer that was still travelling when it was removed arrives later: the peer
    /// that removed it takes that over too, so nothing stays owned by the dead.
    /// </summary>
    /// <returns>Whether anything was taken.</returns>
    private bool RetakeRemovedPeers()
    {
        if (_removals.Count == 0 || Ring.IsEmpty || RemovedFromNetwork || _shuttingDown)
            return false;
        var retaken = false;
        foreach (var victim in _removals.InheritedBySelf(Ring.Peers()))
        {
            var taken = TakeOverHeld(victim);
            Log(LogLevel.Info, $"Took over {taken} more addresses from removed peer {NameOf(victim)}");
            retaken = true;
        }
        return retaken;
    }

    private const string RemovedStatus = "this peer's ranges were taken over with rmpeer - run 'weave reset' before using it again";

    private void BecomeRemoved(string why)
    {
        _removals.MarkSelfRemoved();
        Log(LogLevel.Error, $"Stopping IP allocation: {why}. Run 'weave reset' on this host.");
        CancelAll(RemovedStatus);
    }
}
