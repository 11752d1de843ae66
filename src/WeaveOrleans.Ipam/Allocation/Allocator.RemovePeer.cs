using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    public IReadOnlySet<PeerName> RemovedPeers => _removed;

    /// <summary>
    /// rmpeer: takes over every range of a dead peer, named by peer name or nickname. Refused for this
    /// peer itself, for a peer that is connected right now (it is alive: its addresses would be given
    /// out twice) and for a peer another peer already removed (two takeovers would duplicate each
    /// other's addresses).
    /// </summary>
    public Outcome RemovePeer(string nameOrNickname, TimeSpan now)
    {
        var peer = Resolve(nameOrNickname);
        if (peer is not { } victim)
            return new Outcome.Ok(Text: $"0 IPs taken over from {nameOrNickname}\n");
        if (victim == Self)
            return new Outcome.Failed($"Cannot remove {nameOrNickname}: it is this peer (use 'weave reset' to leave the network)");
        if (_reachable.Contains(victim))
            return new Outcome.Failed($"Cannot remove {NameOf(victim)}: it is connected to this peer, so it is not dead. Stop it or run 'weave reset' on it first");
        if (_removed.Contains(victim) && !_removedByMe.Contains(victim))
            return new Outcome.Failed($"Cannot remove {NameOf(victim)}: another peer has already removed it and taken over its ranges");
        var taken = Ring.IsEmpty ? UInt128.Zero : Ownership.TakeOver(victim);
        _removed.Add(victim);
        _removedByMe.Add(victim);
        _effects.SnapshotChanged = true;
        Log(LogLevel.Info, $"Took over {taken} addresses from removed peer {NameOf(victim)}");
        Broadcast(CurrentGossip());
        RetryPending(now, tick: false);
        return new Outcome.Ok(Text: $"{taken} IPs taken over from {nameOrNickname}\n");
    }

    private PeerName? Resolve(string nameOrNickname)
    {
        foreach (var (peer, nick) in _nicknames)
            if (nick == nameOrNickname)
                return peer;
        return PeerName.TryParse(nameOrNickname, out var name, out _) ? name : null;
    }

    /// <summary>
    /// A grant to a removed peer that was still travelling when it was removed arrives later: the peer
    /// that removed it takes that over too, so nothing stays owned by the dead.
    /// </summary>
    private void RetakeRemovedPeers()
    {
        if (_removedByMe.Count == 0)
            return;
        var named = Ring.Peers();
        foreach (var victim in _removedByMe.Where(named.Contains).ToList())
        {
            var taken = Ownership.TakeOver(victim);
            Log(LogLevel.Info, $"Took over {taken} more addresses from removed peer {NameOf(victim)}");
        }
    }

    private const string RemovedStatus = "this peer's ranges were taken over with rmpeer - run 'weave reset' before using it again";

    private void BecomeRemoved(string why)
    {
        RemovedFromNetwork = true;
        _effects.SnapshotChanged = true;
        Log(LogLevel.Error, $"Stopping IP allocation: {why}. Run 'weave reset' on this host.");
        CancelAll(RemovedStatus);
    }
}
