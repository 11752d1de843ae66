using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.Ipam.Tests.Rings.RingBuilder;

namespace WeaveOrleans.Ipam.Tests.Rings;

/// <summary>
/// Random interleavings of grants (donations and donations back), joins and merges of any ring any peer
/// ever held (so stale copies arrive late and in any order): the merge stays a join of states, and no
/// range ever has two owners.
/// </summary>
public class RingJoinPropertyTests
{
    private const int Peers = 4;

    private sealed class Run
    {
        public readonly Ring[] Rings = new Ring[Peers];
        public readonly List<RingData> History = [];
        private readonly Random _random;

        public Run(int seed)
        {
            _random = new Random(seed);
            for (var p = 0; p < Peers; p++)
            {
                Rings[p] = new Ring(Universe, P(p + 1));
                Rings[p].ClaimForPeers(Enumerable.Range(1, Peers).Select(P));
                History.Add(Rings[p].ToData());
            }
        }

        public void Step()
        {
            var p = _random.Next(Peers);
            var ring = Rings[p];
            if (_random.Next(3) == 0 && ring.OwnedRanges() is { Count: > 0 } owned)
            {
                var range = owned[_random.Next(owned.Count)];
                var size = (ulong)range.Size;
                var from = (ulong)_random.NextInt64((long)size);
                var length = 1 + (ulong)_random.NextInt64((long)(size - from));
                var to = (p + 1 + _random.Next(Peers - 1)) % Peers;
                ring.GrantRangeToHost(new AddressRange(range.Start + from, range.Start + from + length), P(to + 1));
            }
            else
            {
                // Every peer treats what it owns as in use: a merge may never take it away.
                var result = ring.Merge(History[_random.Next(History.Count)], AllAllocated);
                if (!result.IsError)
                    ring.JoinAdjacentOwn(_ => false);
            }
            History.Add(ring.ToData());
            CheckOneOwnerEach();
        }

        /// <summary>What each peer believes it owns is owned by no other peer in that peer's own view.</summary>
        public void CheckOneOwnerEach()
        {
            for (var p = 0; p < Peers; p++)
                for (var q = p + 1; q < Peers; q++)
                    foreach (var mine in Rings[p].OwnedRanges())
                        foreach (var theirs in Rings[q].OwnedRanges())
                            Assert.False(mine.Overlaps(theirs), $"{P(p + 1)} and {P(q + 1)} both own {mine} / {theirs}");
        }

        public void GossipUntilEqual()
        {
            for (var round = 0; round < 10; round++)
                for (var p = 0; p < Peers; p++)
                    for (var q = 0; q < Peers; q++)
                        if (p != q)
                        {
                            var result = Rings[p].Merge(Rings[q].ToData(), AllAllocated);
                            Assert.False(result.IsError, result.Error?.Message);
                            Rings[p].JoinAdjacentOwn(_ => false);
                            CheckOneOwnerEach();
                        }
        }

        public List<RingData> Shuffled()
        {
            var list = History.ToList();
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = _random.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
            return list;
        }
    }

    private static Run Ran(int seed)
    {
        var run = new Run(seed);
        for (var step = 0; step < 60; step++)
            run.Step();
        return run;
    }

    private static Ring Observe(IEnumerable<RingData> rings)
    {
        var observer = new Ring(Universe, P(99));
        foreach (var data in rings)
            Assert.False(observer.Merge(data, NoAllocations).IsError);
        return observer;
    }

    [Fact]
    public void Peers_converge_on_one_joined_ring_and_no_range_ever_has_two_owners()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var run = Ran(seed);
            run.GossipUntilEqual();

            var converged = run.Rings[0].Entries();
            foreach (var ring in run.Rings)
                Assert.Equal(converged, ring.Entries());
            // Joined: no two neighbours of one owner (except across the wrap, which never joins).
            for (var i = 0; i + 1 < converged.Length; i++)
                Assert.False(converged[i].Peer == converged[i + 1].Peer, $"seed {seed}: {converged[i]} and {converged[i + 1]} not joined");
        }
    }

    [Fact]
    public void Merging_every_ring_ever_held_in_any_order_gives_one_result_and_merging_it_again_changes_nothing()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var run = Ran(seed);

            var one = Observe(run.Shuffled());
            var other = Observe(run.Shuffled());
            // Associative and commutative: any order, any grouping (the observer's own state is a prefix's merge).
            Assert.Equal(one.Entries(), other.Entries());
            // Idempotent: nothing in the history is news any more.
            foreach (var data in run.History)
                Assert.False(one.Merge(data, NoAllocations).Updated, $"seed {seed}");
            // Once the peers gossip, they hold exactly what the join of all they ever held is.
            run.GossipUntilEqual();
            var final = Observe([.. run.History, .. run.Rings.Select(r => r.ToData())]);
            Assert.Equal(final.Entries(), run.Rings[0].Entries());
        }
    }
}
