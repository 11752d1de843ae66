using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

public sealed partial class SimulationRun
{
    /// <summary>
    /// Check 1, the one safety property: no address of the range is held by two idents on peers that
    /// are serving. (Addresses outside the range are only recorded where they are claimed, as in Weave.)
    /// A peer removed with rmpeer that came back is the operator's error; the engine must detect it
    /// (checked at the end), so its stale holdings are not counted here.
    /// </summary>
    private void CheckNoAddressHeldTwice()
    {
        var holders = new Dictionary<Address, (SimPeer Peer, string Ident)>();
        foreach (var peer in Serving.Where(p => !_removedThenBack.Contains(p)))
            foreach (var (ident, owned) in peer.Allocator.Owned)
                foreach (var cidr in owned.Cidrs.Where(c => Universe.Range.Contains(c.Address)))
                    if (!holders.TryAdd(cidr.Address, (peer, ident)) && holders[cidr.Address] is var first && (first.Peer != peer || first.Ident != ident))
                    {
                        var what = $"{cidr.Address} is held by {first.Ident} on {first.Peer.Nickname} and by {ident} on {peer.Nickname}";
                        // rmpeer of a peer that was not dead cannot be made safe: once such a peer is
                        // back, a duplicate is the operator's error, and the engine must report it.
                        if (_removedThenBack.Count == 0)
                            throw new Violation("address held twice", what);
                        if (_rmpeerConflict is null)
                        {
                            _rmpeerConflict = what;
                            Count("duplicate after rmpeer of a peer that came back");
                            _net.Note($"conflict after rmpeer of a returning peer: {what}");
                        }
                    }
    }

    /// <summary>Check 6: the driver answers a request only once the state it reflects is durable.</summary>
    private void CheckAnswersWereDurable()
    {
        if (_net.Peers.FirstOrDefault(p => p.AnsweredBeforeDurable is not null) is { } peer)
            throw new Violation("answered before durable", peer.AnsweredBeforeDurable!);
    }

    /// <summary>
    /// Check 8: every snapshot change the engine handed out, found from the parts its state's owners
    /// said they touched, equals the change a comparison of the whole snapshot finds. A part left out
    /// would never reach the disk, and a restart would bring back what it was before (the duplicate
    /// of seed 71794 on an earlier attempt); this sees it at the change that missed it.
    /// </summary>
    private void CheckSnapshotChangesTracked()
    {
        if (_net.SnapshotMisses.Count > 0)
            throw new Violation("snapshot change missed", _net.SnapshotMisses[0]);
    }

    /// <summary>Check 3: agreement never produces two different rings in one network.</summary>
    private void CheckOneLineage()
    {
        var lineages = _net.Peers.Where(p => !p.Allocator.Ring.IsEmpty)
            .Select(p => string.Join(",", p.Allocator.Ring.Seeds)).Distinct().ToList();
        if (lineages.Count > 1)
            throw new Violation("two rings", $"rings were created from different peer sets: {string.Join(" | ", lineages)}");
    }

    /// <summary>
    /// Check 2: a peer restarted with its state intact holds everything it held when it crashed, except
    /// for idents whose change was still on its way to the disk (never acknowledged, so a crash may take it back).
    /// </summary>
    private void CheckNothingAcknowledgedWasLost(SimPeer peer)
    {
        if (peer.OwnedAtCrash is not { } before)
            return;
        var unsettled = peer.UnsettledAtCrash;
        foreach (var (ident, cidrs) in before.Where(kv => !unsettled.Contains(kv.Key)))
        {
            var now = peer.Allocator.Owned.TryGetValue(ident, out var owned) ? owned.Cidrs.ToHashSet() : [];
            if (!cidrs.SetEquals(now))
                throw new Violation("acknowledged allocation lost",
                    $"{peer.Nickname} held {string.Join(" ", cidrs)} for {ident} before crashing and {string.Join(" ", now)} after restarting");
        }
        if (peer.Allocator.Owned.Keys.Except(before.Keys).Except(unsettled).FirstOrDefault() is { } extra)
            throw new Violation("allocation appeared from nowhere", $"{peer.Nickname} restarted holding {extra}, which it did not hold before");
        peer.OwnedAtCrash = null;
    }

    /// <summary>
    /// Checks 4 and 5 once the faults stop: heal everything, bring crashed peers back (or remove the ones
    /// gone for good), and within a bounded number of gossip rounds every serving peer must hold the
    /// same ring, the ring must give the whole range to serving peers, and free plus allocated space
    /// must add up to the range. A removed peer that came back must have noticed.
    /// </summary>
    private void Converge()
    {
        _net.Note("--- faults stop: heal, restart the crashed, remove the gone ---");
        _net.LossProbability = 0;
        _net.DuplicateProbability = 0;
        _net.HealAll();
        foreach (var peer in _net.Peers.Where(p => !p.Up && !_gone.Contains(p) && !_removed.Contains(p)).ToList())
            Restart(peer);
        _net.Settle();
        ResetTheRemoved();
        RemoveTheGone();

        // The ring may only now come into being (agreement finishing with the votes of peers that are
        // gone), so the operator keeps removing whatever the ring names that will never serve.
        var converged = false;
        for (var round = 0; round < _options.ConvergenceRounds && !converged; round++)
        {
            _net.Tick();
            // After an rmpeer of a peer that came back, conflicts surface as gossip spreads (a peer
            // that took space from the returned one stops); the operator resets what says so.
            if (_removedThenBack.Count > 0)
                ResetTheRemoved();
            RemoveTheGone();
            // Agreeing is not enough while the operator still has a removal to make: an rmpeer that
            // failed (a storage write failure, or a remover that restarted and has not heard from the
            // others yet: 'try again in a moment', seeds 27564 and 36048) is tried again next round.
            converged = Agreed() && !RemovalOutstanding();
        }
        var conflictReported = _net.Peers.Any(p => p.Allocator.RejectedMerges > 0);
        if (!converged && _removedThenBack.Count > 0 && conflictReported)
        {
            // The operator removed a peer that was not dead; the conflict is reported, and repairing
            // it is the operator's job (reset the peers that report it).
            Count("conflict reported after rmpeer of a peer that came back");
            return;
        }
        if (!converged)
            throw new Violation("no convergence", $"rings still differ after {_options.ConvergenceRounds} gossip rounds:\n{DescribeRings()}");

        // A removal that reached some serving peer must reach the removed peer too. (One whose only
        // witness lost its disk took nothing from anyone: the returning peer may carry on.)
        foreach (var back in _removedThenBack.Where(p => p.Up))
            if (!back.Allocator.RemovedFromNetwork && Serving.Any(p => p != back && p.Allocator.RemovedPeers.ContainsKey(back.Name)))
                throw new Violation("removed peer not stopped", $"{back.Nickname} was removed with rmpeer and came back, but still allocates");

        if (_rmpeerConflict is not null && !_net.Peers.Any(p => p.Allocator.RejectedMerges > 0 || p.Allocator.RemovedFromNetwork))
            throw new Violation("conflict not reported", $"{_rmpeerConflict}, and no peer reported a conflicting ring");

        var serving = Serving.ToList();
        var ring = serving.FirstOrDefault()?.Allocator.Ring;
        if (ring is null || ring.IsEmpty)
        {
            if (serving.Any(p => !p.Allocator.Ring.IsEmpty))
                throw new Violation("no convergence", "some peers have a ring and others do not");
            return;
        }
        var owners = ring.Peers();
        var servingNames = serving.Select(p => p.Name).ToHashSet();
        if (owners.FirstOrDefault(o => !servingNames.Contains(o)) is var stray && stray != PeerName.None)
            throw new Violation("range leaked", $"{stray} owns ranges but is not serving:\n{DescribeRings()}");
        var owned = serving.Aggregate(UInt128.Zero, (sum, p) => sum + p.Allocator.Ownership.Space.OwnedCount);
        if (owned != Universe.Size)
            throw new Violation("range leaked", $"serving peers own {owned} addresses of {Universe.Size}:\n{DescribeRings()}");
        if (_removedThenBack.Count == 0)
            foreach (var peer in serving)
                if (peer.Allocator.RejectedMerges > 0)
                    throw new Violation("merge refused", $"{peer.Nickname} refused a merge between honest peers: {peer.Allocator.LastMergeError}");
        if (_rmpeerConflict is null)
            CheckNoAddressHeldTwice();
        CheckDiskHoldsTheEngine(serving);
    }

    /// <summary>
    /// Check 7: once every commit is durable, what a restart would load is exactly the engine's state:
    /// the snapshot assembled from its stored parts, and the rows. A part change that was never written
    /// (or a part left behind) shows here, long before a restart would act on it.
    /// </summary>
    private static void CheckDiskHoldsTheEngine(List<SimPeer> serving)
    {
        foreach (var peer in serving.Where(p => p.Commits.OldestUnsettled is null && p.Driver.StorageFailure is null && !p.Driver.Stopped))
        {
            var persisted = peer.PersistedSnapshot;
            if (persisted is null || !SnapshotCodec.Encode(persisted).AsSpan().SequenceEqual(SnapshotCodec.Encode(peer.Allocator.Snapshot())))
                throw new Violation("disk differs from engine", $"{peer.Nickname}: the stored snapshot is not the engine's");
            var rows = peer.PersistedRows;
            var owned = peer.Allocator.Owned;
            if (rows.Count != owned.Count || owned.Any(kv => !rows.TryGetValue(kv.Key, out var row) || row.IsContainer != kv.Value.IsContainer || !row.Cidrs.SequenceEqual(kv.Value.Cidrs)))
                throw new Violation("disk differs from engine", $"{peer.Nickname}: the stored rows are not the engine's");
        }
    }

    /// <summary>What the status line tells the operator to do on a removed peer that came back: weave reset.</summary>
    private void ResetTheRemoved()
    {
        foreach (var removed in Up.Where(p => p.Allocator.RemovedFromNetwork).ToList())
        {
            _net.Note($"{removed.Nickname}: reset, as its status says");
            _net.Shutdown(removed);
            _net.Crash(removed);
            _gone.Add(removed);
        }
    }

    /// <summary>rmpeer, from a serving peer, of every peer that owns ranges and will never serve again.</summary>
    private void RemoveTheGone()
    {
        var serving = Serving.ToList();
        if (serving.Count == 0)
            return;
        var remover = serving[0];
        // Removing one peer can make another removable: it had been refused with 'remove it first'
        // (its remover was the one just removed, seed 33570), or the ring now names it. So the
        // operator goes round again, but only for peers not yet removed in this call, and only while
        // a pass removed one: each repeat shrinks what is left, so it ends.
        var done = new HashSet<SimPeer>();
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var dead in ToRemove(remover, serving).Where(p => !done.Contains(p)))
            {
                var outcome = _net.Run(remover, (a, id) => a.RemovePeer(id, dead.Name.ToString(), _net.Now));
                _net.Note($"{remover.Nickname}: rmpeer {dead.Nickname} -> {outcome}");
                if (outcome is not Outcome.Ok)
                    continue;
                _removed.Add(dead);
                progress |= done.Add(dead);
            }
            _net.Settle();
        }
    }

    /// <summary>
    /// What the operator would rmpeer now: the peers the ring names, and the removers of those it names
    /// (the error message says to remove a dead remover first), that are down and not yet taken over.
    /// </summary>
    private List<SimPeer> ToRemove(SimPeer remover, List<SimPeer> serving)
    {
        var named = remover.Allocator.Ring.Peers().Concat(remover.Allocator.RemovedPeers.Values).ToHashSet();
        return [.. _net.Peers.Where(p => !serving.Contains(p) && named.Contains(p.Name) && !p.Up && !RemovedByServing(p, serving))];
    }

    /// <summary>A dead peer that still owns ranges: the operator's rmpeer of it failed, so it is tried again.</summary>
    private bool RemovalOutstanding()
    {
        var serving = Serving.ToList();
        if (serving.Count == 0)
            return false;
        var owners = serving[0].Allocator.Ring.Peers().ToHashSet();
        return ToRemove(serving[0], serving).Any(p => owners.Contains(p.Name));
    }

    /// <summary>
    /// Weave's rule: rmpeer a host on one host only. A serving peer already took this one over, so the
    /// operator waits for that to spread by gossip instead of running rmpeer again elsewhere (a second
    /// takeover of the same ranges conflicts with the first). Removing again is right only when no
    /// serving remover is left to spread it (the remover died too, or lost its disk).
    /// </summary>
    private static bool RemovedByServing(SimPeer dead, List<SimPeer> serving) =>
        serving.Any(s => s.Allocator.RemovedPeers.TryGetValue(dead.Name, out var remover) && serving.Any(r => r.Name == remover));

    private bool Agreed()
    {
        var rings = Serving.Select(p => p.Allocator.Ring.Entries.ToArray()).ToList();
        return rings.Count == 0 || rings.All(r => r.SequenceEqual(rings[0]));
    }

    private string DescribeRings() =>
        string.Join("\n", _net.Peers.Select(p =>
            $"{p.Nickname} up={p.Up} removed={p.Allocator.RemovedFromNetwork} status='{p.Allocator.StatusLine()}' merge error='{p.Allocator.LastMergeError}' paxos={p.Allocator.Snapshot().Paxos?.Count}\n  {p.Allocator.Ring.ToString().Replace("\n", "\n  ")}"));
}
