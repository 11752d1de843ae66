using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class GossipLedgerTests
{
    private static Gossip Carrying(RingStamp? at, ulong deltaBase = 0) =>
        new(ImmutableDictionary<PeerName, string>.Empty, null, null, ImmutableDictionary<PeerName, PeerName>.Empty,
            RingAt: at, DeltaBase: deltaBase);

    private static RingData Delta()
    {
        var ring = new Ring(C("10.0.0.0/24"), P(1));
        ring.ClaimForPeers([P(1)]);
        return ring.DeltaSince(0);
    }

    [Fact]
    public void Only_an_acknowledgement_of_this_incarnation_up_to_now_counts()
    {
        var ledger = new GossipLedger(epoch: 7);
        ledger.TakeAcknowledgement(P(2), new RingStamp(7, 3), ourStamp: 5);
        Assert.True(ledger.TryGetAcked(P(2), out var acked));
        Assert.Equal(3UL, acked.Stamp);

        ledger.TakeAcknowledgement(P(2), new RingStamp(6, 3), ourStamp: 5);
        Assert.False(ledger.TryGetAcked(P(2), out _));

        ledger.TakeAcknowledgement(P(2), new RingStamp(7, 6), ourStamp: 5);
        Assert.False(ledger.TryGetAcked(P(2), out _));
    }

    [Fact]
    public void A_forgotten_acknowledgement_means_the_whole_ring_next()
    {
        var ledger = new GossipLedger(epoch: 7);
        ledger.TakeAcknowledgement(P(2), new RingStamp(7, 1), ourStamp: 1);
        ledger.ForgetAcknowledgement(P(2));
        Assert.False(ledger.TryGetAcked(P(2), out _));
    }

    [Fact]
    public void A_delta_is_merged_only_over_a_point_we_hold()
    {
        var ledger = new GossipLedger(epoch: 1);
        var delta = Delta();
        Assert.True(delta.IsDelta);
        Assert.False(ledger.HoldsBaseOf(P(2), Carrying(new RingStamp(9, 4), deltaBase: 2), delta));

        ledger.RecordHeard(P(2), Carrying(new RingStamp(9, 2)));
        Assert.Equal(new RingStamp(9, 2), ledger.HeardFrom(P(2)));
        Assert.True(ledger.HoldsBaseOf(P(2), Carrying(new RingStamp(9, 4), deltaBase: 2), delta));
        Assert.False(ledger.HoldsBaseOf(P(2), Carrying(new RingStamp(9, 4), deltaBase: 3), delta));
        Assert.False(ledger.HoldsBaseOf(P(2), Carrying(new RingStamp(8, 4), deltaBase: 1), delta));
    }

    [Fact]
    public void What_we_hold_of_a_peer_never_goes_back_within_its_incarnation()
    {
        var ledger = new GossipLedger(epoch: 1);
        ledger.RecordHeard(P(2), Carrying(new RingStamp(9, 5)));
        ledger.RecordHeard(P(2), Carrying(new RingStamp(9, 3)));
        Assert.Equal(new RingStamp(9, 5), ledger.HeardFrom(P(2)));
        ledger.RecordHeard(P(2), Carrying(new RingStamp(10, 1)));
        Assert.Equal(new RingStamp(10, 1), ledger.HeardFrom(P(2)));
        Assert.Null(ledger.HeardFrom(P(3)));
    }
}
