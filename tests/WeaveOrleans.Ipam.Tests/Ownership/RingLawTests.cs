using CsCheck;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Tests.Ownership;

/// <summary>Merge laws and ring/free-list agreement on rings that legal operations produce.</summary>
public class RingLawTests
{
    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, 1000], (k, a, b, c) => new Step(k, a, b, c));

    private static readonly Gen<Step[]> GenRun = GenStep.Array[1, 120];

    private static LegalRun RunOf(Step[] steps)
    {
        var run = new LegalRun();
        run.Run(steps);
        return run;
    }

    private static Ring Copy(Ring ring) => Ring.Restore(ring.Local, ring.ToData());

    private static RingEntry[] Merged(Ring into, params Ring[] others)
    {
        foreach (var other in others)
        {
            var result = into.Merge(other.ToData(), _ => false);
            Assert.Null(result.Error);
        }
        return [.. into.Entries];
    }

    [Fact]
    public void Ring_and_free_list_agree_and_no_address_is_held_twice_after_any_legal_run() =>
        GenRun.Sample(steps => { RunOf(steps); }, iter: 400);

    [Fact]
    public void Merge_is_commutative() =>
        GenRun.Sample(steps =>
        {
            var peers = RunOf(steps).Live.Select(p => p.Ring).ToArray();
            foreach (var a in peers)
                foreach (var b in peers)
                    Assert.Equal(Merged(Copy(a), b), Merged(Copy(b), a));
        }, iter: 300);

    [Fact]
    public void Merge_is_associative() =>
        GenRun.Sample(steps =>
        {
            var p = RunOf(steps).Live.Select(x => x.Ring).ToArray();
            var (a, b, c) = (p[0], p[1 % p.Length], p[2 % p.Length]);
            var left = Merged(Copy(a), b, c);
            var bc = Copy(b);
            Merged(bc, c);
            Assert.Equal(left, Merged(Copy(a), bc));
        }, iter: 300);

    [Fact]
    public void Merge_is_idempotent() =>
        GenRun.Sample(steps =>
        {
            foreach (var peer in RunOf(steps).Live)
            {
                var copy = Copy(peer.Ring);
                var result = copy.Merge(peer.Ring.ToData(), peer.Space.HasAllocations);
                Assert.False(result.Updated);
                Assert.Equal([.. peer.Ring.Entries], copy.Entries);
            }
        }, iter: 300);

    [Fact]
    public void After_gossip_stops_every_live_peer_holds_the_same_ring_and_nothing_is_lost() =>
        GenRun.Sample(steps =>
        {
            var run = RunOf(steps);
            run.SyncAll();
            var live = run.Live.ToArray();
            foreach (var peer in live)
                Assert.Equal([.. live[0].Ring.Entries], peer.Ring.Entries);
            var owned = live.Aggregate(UInt128.Zero, (sum, p) => sum + p.Space.OwnedCount);
            Assert.Equal(LegalRun.Universe.Size, owned);
        }, iter: 300);
}
