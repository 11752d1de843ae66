using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

public sealed partial class SimulationRun
{
    /// <summary>
    /// Check 1, the one safety property: no address is held by two idents on peers that are serving.
    /// A peer removed with rmpeer that came back is the operator's error; the engine must detect it
    /// (checked at the end), so its stale holdings are not counted here.
    /// </summary>
    private void CheckNoAddressHeldTwice()
    {
        var holders = new Dictionary<Address, (SimPeer Peer, string Ident)>();
        foreach (var peer in Serving.Where(p => !_removedThenBack.Contains(p)))
            foreach (var (ident, owned) in peer.Allocator.Owned)
                foreach (var cidr in owned.Cidrs)
                    if (!holders.TryAdd(cidr.Address, (peer, ident)) && holders[cidr.Address] is var first && (first.Peer != peer || first.Ident != ident))
                        throw new Violation("address held twice",
                            $"{cidr.Address} is held by {first.Ident} on {first.Peer.Nickname} and by {ident} on {peer.Nickname}");
    }

    /// <summary>Check 3: agreement never produces two different rings in one network.</summary>
    private void CheckOneLineage()
    {
        var lineages = _net.Peers.Where(p => !p.Allocator.Ring.IsEmpty)
            .Select(p => string.Join(",", p.Allocator.Ring.Seeds)).Distinct().ToList();
        if (lineages.Count > 1)
            throw new Violation("two rings", $"rings were created from different peer sets: {string.Join(" | ", lineages)}");
    }

    /// <summary>Check 2: a peer restarted with its state intact holds everything it held when it crashed.</summary>
    private void CheckNothingAcknowledgedWasLost(SimPeer peer)
    {
        if (peer.OwnedAtCrash is not { } before)
            return;
        foreach (var (ident, cidrs) in before)
        {
            var now = peer.Allocator.Owned.TryGetValue(ident, out var owned) ? owned.Cidrs.ToHashSet() : [];
            if (!cidrs.SetEquals(now))
                throw new Violation("acknowledged allocation lost",
                    $"{peer.Nickname} held {string.Join(" ", cidrs)} for {ident} before crashing and {string.Join(" ", now)} after restarting");
        }
        if (peer.Allocator.Owned.Keys.Except(before.Keys).FirstOrDefault() is { } extra)
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
        RemoveTheGone();

        var converged = false;
        for (var round = 0; round < _options.ConvergenceRounds && !converged; round++)
        {
            _net.Tick();
            converged = Agreed();
            if (!converged && round == _options.ConvergenceRounds / 2)
                RemoveTheGone();
        }
        if (!converged)
            throw new Violation("no convergence", $"rings still differ after {_options.ConvergenceRounds} gossip rounds:\n{DescribeRings()}");

        foreach (var back in _removedThenBack.Where(p => p.Up))
            if (!back.Allocator.RemovedFromNetwork)
                throw new Violation("removed peer not stopped", $"{back.Nickname} was removed with rmpeer and came back, but still allocates");

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
        CheckNoAddressHeldTwice();
    }

    /// <summary>rmpeer, from a serving peer, of every peer that owns ranges and will never serve again.</summary>
    private void RemoveTheGone()
    {
        var serving = Serving.ToList();
        if (serving.Count == 0)
            return;
        var remover = serving[0];
        var named = remover.Allocator.Ring.Peers();
        foreach (var dead in _net.Peers.Where(p => !serving.Contains(p) && named.Contains(p.Name) && !p.Up))
        {
            var outcome = _net.Do(remover, a => a.RemovePeer(dead.Name.ToString(), _net.Now));
            _net.Note($"{remover.Nickname}: rmpeer {dead.Nickname} -> {outcome}");
            if (outcome is Outcome.Ok)
                _removed.Add(dead);
        }
        _net.Settle();
    }

    private bool Agreed()
    {
        var rings = Serving.Select(p => p.Allocator.Ring.Entries.ToArray()).ToList();
        return rings.Count == 0 || rings.All(r => r.SequenceEqual(rings[0]));
    }

    private string DescribeRings() =>
        string.Join("\n", _net.Peers.Select(p =>
            $"{p.Nickname} up={p.Up} removed={p.Allocator.RemovedFromNetwork} status='{p.Allocator.StatusLine()}' merge error='{p.Allocator.LastMergeError}' paxos={p.Allocator.Snapshot().Paxos?.Count}\n  {p.Allocator.Ring.ToString().Replace("\n", "\n  ")}"));
}
