using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.Ipam.Tests.Rings.RingBuilder;

namespace WeaveOrleans.Ipam.Tests.Rings;

public class RingDeltaTests
{
    [Fact]
    public void A_delta_holds_only_what_changed_since_the_stamp()
    {
        var ring = new Ring(Universe, P(1));
        ring.ClaimForPeers([P(1), P(2), P(3), P(4)]);
        var seen = ring.ChangeStamp;
        Assert.Empty(ring.DeltaSince(seen).Entries);
        ring.GrantRangeToHost(R("10.0.0.32", "10.0.0.64"), P(5));
        var delta = ring.DeltaSince(seen);
        Assert.True(delta.IsDelta);
        Assert.Equal([A("10.0.0.0"), A("10.0.0.32")], delta.Entries.Select(e => e.Token));
    }

    [Fact]
    public void A_receiver_applying_deltas_ends_with_the_same_ring_as_one_given_the_whole()
    {
        var sender = new Ring(Universe, P(1));
        sender.ClaimForPeers([P(1), P(2)]);
        var byDelta = new Ring(Universe, P(2));
        byDelta.Merge(sender.ToData(), NoAllocations);
        var seen = sender.ChangeStamp;
        sender.GrantRangeToHost(R("10.0.0.64", "10.0.0.96"), P(3));
        sender.ReportFree(r => r.Size - 1);
        byDelta.Merge(sender.DeltaSince(seen), NoAllocations);
        var whole = new Ring(Universe, P(2));
        whole.Merge(sender.ToData(), NoAllocations);
        Assert.Equal(whole.Entries(), byDelta.Entries());
        Assert.Equal(sender.Entries(), byDelta.Entries());
    }

    [Fact]
    public void A_delta_before_the_whole_ring_is_refused()
    {
        var sender = new Ring(Universe, P(1));
        sender.ClaimForPeers([P(1)]);
        var result = new Ring(Universe, P(2)).Merge(sender.DeltaSince(0), NoAllocations);
        Assert.Equal(RingMergeErrorKind.DeltaWithoutBase, result.Error?.Kind);
    }

    [Fact]
    public void Merges_that_change_the_ring_advance_the_stamp_so_changes_are_relayed()
    {
        var a = new Ring(Universe, P(1));
        a.ClaimForPeers([P(1), P(2)]);
        var relay = new Ring(Universe, P(3));
        relay.Merge(a.ToData(), NoAllocations);
        var seen = relay.ChangeStamp;
        a.GrantRangeToHost(R("10.0.0.0", "10.0.0.16"), P(3));
        relay.Merge(a.ToData(), NoAllocations);
        Assert.Equal([A("10.0.0.0"), A("10.0.0.16")], relay.DeltaSince(seen).Entries.Select(e => e.Token));
    }
}
