using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.Ipam.Tests.Rings.RingBuilder;

namespace WeaveOrleans.Ipam.Tests.Rings;

/// <summary>Adjacent tokens of one owner join, and the tokens they absorb never come back (issue 11).</summary>
public class RingJoinTests
{
    private static readonly Func<AddressRange, bool> NothingHeld = _ => false;

    private static Ring Created(int local)
    {
        var ring = new Ring(Universe, P(local));
        ring.ClaimForPeers([P(1), P(2)]);
        return ring;
    }

    private static Ring Copy(Ring ring, int local) => Ring.Restore(P(local), ring.ToData());

    /// <summary>Peer 1 gives .64-.96 to peer 2, which gives it back; peer 1 then holds .0, .64 and .96 and joins them.</summary>
    private static (Ring One, RingData Split, RingData Back) SplitAndGiveBack()
    {
        var one = Created(1);
        var two = Created(2);
        one.GrantRangeToHost(new AddressRange(A("10.0.0.64"), A("10.0.0.96")), P(2));
        var split = one.ToData();
        Assert.False(two.Merge(split, NoAllocations).IsError);
        two.GrantRangeToHost(new AddressRange(A("10.0.0.64"), A("10.0.0.96")), P(1));
        var back = two.ToData();
        Assert.False(one.Merge(back, NoAllocations).IsError);
        return (one, split, back);
    }

    [Fact]
    public void Adjacent_tokens_of_this_peer_join_into_the_first_with_a_version_above_both_and_the_end_of_the_last()
    {
        var ring = RingOf(1,
            E("10.0.0.0", 1, 3, 10) with { End = A("10.0.0.64") },
            E("10.0.0.64", 1, 7, 20) with { End = A("10.0.0.128") },
            E("10.0.0.128", 2, 0, 0));

        Assert.True(ring.JoinAdjacentOwn(NothingHeld));

        Assert.Equal([E("10.0.0.0", 1, 8, 30) with { End = A("10.0.0.128"), EndVersion = 8 }, E("10.0.0.128", 2, 0, 0)], ring.Entries());
    }

    [Fact]
    public void Tokens_of_other_peers_and_held_ranges_stay_apart()
    {
        var entries = new[] { E("10.0.0.0", 2, 0, 0), E("10.0.0.64", 2, 0, 0), E("10.0.0.128", 1, 0, 0), E("10.0.0.192", 1, 0, 0) };
        var ring = RingOf(1, entries);

        Assert.False(ring.JoinAdjacentOwn(r => r.Contains(A("10.0.0.200"))));

        Assert.Equal(entries, ring.Entries());
    }

    [Fact]
    public void A_donation_back_joins_the_ranges_it_split()
    {
        var (one, _, _) = SplitAndGiveBack();

        one.JoinAdjacentOwn(NothingHeld);

        Assert.Equal([A("10.0.0.0"), A("10.0.0.128")], one.Entries().Select(e => e.Token));
        Assert.Equal([new AddressRange(A("10.0.0.0"), A("10.0.0.128"))], one.OwnedRanges());
    }

    [Fact]
    public void A_stale_copy_of_a_joined_token_does_not_come_back()
    {
        var (one, split, back) = SplitAndGiveBack();
        one.JoinAdjacentOwn(NothingHeld);
        var joined = one.Entries();

        // Peers that still hold the split, or the donation back, send what they hold.
        Assert.False(one.Merge(split, AllAllocated).IsError);
        Assert.False(one.Merge(back, AllAllocated).IsError);

        Assert.Equal(joined, one.Entries());
    }

    [Fact]
    public void A_peer_that_holds_the_split_drops_the_absorbed_tokens_when_the_join_arrives()
    {
        var (one, split, _) = SplitAndGiveBack();
        var observer = Ring.Restore(P(3), split);
        var before = one.ChangeStamp;
        one.JoinAdjacentOwn(NothingHeld);

        Assert.False(observer.Merge(one.DeltaSince(before), NoAllocations).IsError);

        Assert.Equal(one.Entries(), observer.Entries());
        Assert.Equal(P(1), observer.Owner(A("10.0.0.70")));
    }

    [Fact]
    public void A_delta_received_without_the_earlier_change_that_split_the_range_gives_the_joined_ring()
    {
        var one = Created(1);
        var observer = Copy(one, 3);
        var beforeSplit = one.ChangeStamp;
        // The split and the donation back happen; the observer hears of neither.
        one.GrantRangeToHost(new AddressRange(A("10.0.0.64"), A("10.0.0.96")), P(2));
        var two = Created(2);
        Assert.False(two.Merge(one.ToData(), NoAllocations).IsError);
        two.GrantRangeToHost(new AddressRange(A("10.0.0.64"), A("10.0.0.96")), P(1));
        Assert.False(one.Merge(two.ToData(), NoAllocations).IsError);
        one.JoinAdjacentOwn(NothingHeld);

        Assert.False(observer.Merge(one.DeltaSince(beforeSplit), NoAllocations).IsError);
        // And then a peer still holding the split speaks: its tokens are stale.
        Assert.False(observer.Merge(two.ToData() with { Entries = [.. two.Entries().Select(e => e.Token == A("10.0.0.64") ? e with { Peer = P(2), Version = e.Version - 1, EndVersion = e.Version - 1 } : e)] }, NoAllocations).IsError);

        Assert.Equal(one.Entries(), observer.Entries());
    }

    [Fact]
    public void A_grant_over_a_joined_range_keeps_the_absorbed_token_stale()
    {
        var (one, split, _) = SplitAndGiveBack();
        one.JoinAdjacentOwn(NothingHeld);
        // Peer 1 now gives away .60-.100, which holds the absorbed .64 and .96.
        one.GrantRangeToHost(new AddressRange(A("10.0.0.60"), A("10.0.0.100")), P(2));
        var granted = one.Entries();

        Assert.False(one.Merge(split, AllAllocated).IsError);

        Assert.Equal(granted, one.Entries());
        Assert.Equal(P(2), one.Owner(A("10.0.0.70")));
    }

    [Fact]
    public void A_takeover_keeps_the_end_at_its_version_so_tokens_the_taker_never_heard_of_stand()
    {
        // Peer 3 took peer 1's .0 over from an old copy, before peer 1's grant of .64 to peer 2.
        var taker = RingOf(3, E("10.0.0.0", 1, 0, 0) with { End = A("10.0.0.128") }, E("10.0.0.128", 2, 0, 0));
        taker.Transfer(P(1), P(3));
        var granted = Created(1);
        granted.GrantRangeToHost(new AddressRange(A("10.0.0.64"), A("10.0.0.96")), P(2));

        var observer = Ring.Restore(P(4), granted.ToData());
        Assert.False(observer.Merge(taker.ToData(), NoAllocations).IsError);

        Assert.Equal(P(2), observer.Owner(A("10.0.0.70")));
        Assert.Equal(P(3), observer.Owner(A("10.0.0.10")));
    }

    [Fact]
    public void A_takeover_of_a_joined_entry_keeps_the_absorbed_token_stale()
    {
        var (one, split, _) = SplitAndGiveBack();
        one.JoinAdjacentOwn(NothingHeld);
        var taker = Copy(one, 3);
        taker.Transfer(P(1), P(3));

        var observer = Ring.Restore(P(4), split);
        Assert.False(observer.Merge(taker.ToData(), NoAllocations).IsError);

        Assert.Equal(taker.Entries(), observer.Entries());
        Assert.Equal(P(3), observer.Owner(A("10.0.0.70")));
    }

    [Fact]
    public void A_token_of_mine_in_use_is_not_given_away_by_a_received_end()
    {
        var mine = RingOf(2, E("10.0.0.0", 1, 1, 0) with { End = A("10.0.0.64") }, E("10.0.0.64", 2, 0, 0), E("10.0.0.128", 1, 0, 0));
        var claim = Data(E("10.0.0.0", 1, 2, 0) with { End = A("10.0.0.128"), EndVersion = 2 }, E("10.0.0.128", 1, 0, 0));
        var before = mine.Entries();

        var result = mine.Merge(claim, AllAllocated);

        Assert.Equal(RingMergeErrorKind.EntryInMyRange, result.Error?.Kind);
        Assert.Equal(before, mine.Entries());
    }
}
