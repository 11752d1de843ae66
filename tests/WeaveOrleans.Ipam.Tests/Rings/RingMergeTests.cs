using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.Ipam.Tests.Rings.RingBuilder;

namespace WeaveOrleans.Ipam.Tests.Rings;

/// <summary>One test per row of the merge table, local peer 1 unless said otherwise.</summary>
public class RingMergeTests
{
    private static void AssertMerged(Ring ring, RingData incoming, Func<AddressRange, bool> hasAllocations, bool updated, params RingEntry[] expected)
    {
        var result = ring.Merge(incoming, hasAllocations);
        Assert.Null(result.Error);
        Assert.Equal(updated, result.Updated);
        Assert.Equal(expected, ring.Entries());
    }

    private static void AssertRefused(Ring ring, RingData incoming, Func<AddressRange, bool> hasAllocations, RingMergeErrorKind kind, string message)
    {
        var before = ring.Entries();
        var result = ring.Merge(incoming, hasAllocations);
        Assert.Equal(kind, result.Error?.Kind);
        Assert.Contains(message, result.Error!.Message);
        Assert.False(result.Updated);
        Assert.Equal(before, ring.Entries());
    }

    [Fact]
    public void Merging_into_an_empty_ring_takes_everything_and_the_seeds()
    {
        var ring = new Ring(Universe, P(1));
        var incoming = new RingData(Universe, [P(2)], [E("10.0.0.0", 2, 0, 256)]);
        AssertMerged(ring, incoming, NoAllocations, true, E("10.0.0.0", 2, 0, 256));
        Assert.Equal([P(2)], ring.Seeds.ToArray());
    }

    [Fact]
    public void A_token_only_in_local_is_kept() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 0, 128), E("10.0.0.128", 2, 0, 128)),
            Data(E("10.0.0.0", 1, 0, 256)), NoAllocations, false,
            E("10.0.0.0", 1, 0, 128), E("10.0.0.128", 2, 0, 128));

    [Fact]
    public void A_token_only_in_incoming_is_inserted() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 2, 0, 256)),
            Data(E("10.0.0.0", 2, 1, 128), E("10.0.0.128", 3, 0, 128)), NoAllocations, true,
            E("10.0.0.0", 2, 1, 128), E("10.0.0.128", 3, 0, 128));

    [Fact]
    public void A_new_token_splitting_an_unused_own_range_is_accepted() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 0, 256)),
            Data(E("10.0.0.0", 1, 0, 128), E("10.0.0.128", 2, 0, 128)), NoAllocations, true,
            E("10.0.0.0", 1, 1, 128), E("10.0.0.128", 2, 0, 128));

    [Fact]
    public void A_new_token_splitting_an_own_range_in_use_is_refused() =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 0, 256)),
            Data(E("10.0.0.0", 1, 0, 128), E("10.0.0.128", 2, 0, 128)), AllAllocated,
            RingMergeErrorKind.EntryInMyRange, "Peer 02:00:00:02:00:00 says it owns the IP range from 10.0.0.128, which I think I own");

    [Fact]
    public void A_new_token_in_the_wrapped_part_of_an_own_range_is_checked_too() =>
        AssertRefused(RingOf(1, E("10.0.0.64", 2, 0, 64), E("10.0.0.128", 1, 0, 192)),
            Data(E("10.0.0.16", 3, 0, 48), E("10.0.0.64", 2, 0, 64), E("10.0.0.128", 1, 0, 144)),
            r => r.Contains(A("10.0.0.20")), RingMergeErrorKind.EntryInMyRange, "10.0.0.16");

    [Fact]
    public void Same_token_with_a_higher_local_version_keeps_local() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 2, 5, 10)), Data(E("10.0.0.0", 3, 4, 200)), NoAllocations, false,
            E("10.0.0.0", 2, 5, 10));

    [Fact]
    public void Same_token_same_owner_and_version_keeps_local_even_if_free_differs() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 2, 5, 10)), Data(E("10.0.0.0", 2, 5, 200)), NoAllocations, false,
            E("10.0.0.0", 2, 5, 10));

    [Fact]
    public void Equal_versions_different_owners_with_own_allocations_is_inconsistent() =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 1, 128)), Data(E("10.0.0.0", 2, 1, 256)), AllAllocated,
            RingMergeErrorKind.Inconsistent, "Inconsistent entries for 10.0.0.0: owned by 01:00:00:02:00:00 but incoming message says 02:00:00:02:00:00");

    [Fact]
    public void Equal_versions_different_owners_without_allocations_the_higher_free_wins() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 1, 128)), Data(E("10.0.0.0", 2, 1, 256)), NoAllocations, true,
            E("10.0.0.0", 2, 1, 256));

    [Fact]
    public void Equal_versions_different_owners_local_keeps_it_with_more_free() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 1, 200)), Data(E("10.0.0.0", 2, 1, 100)), NoAllocations, false,
            E("10.0.0.0", 1, 1, 200));

    [Fact]
    public void Equal_versions_between_two_other_peers_break_ties_the_same_way_everywhere()
    {
        var x = E("10.0.0.0", 2, 1, 100);
        var y = E("10.0.0.0", 3, 1, 100);
        var a = RingOf(1, x);
        a.Merge(Data(y), NoAllocations);
        var b = RingOf(4, y);
        b.Merge(Data(x), NoAllocations);
        Assert.Equal(a.Entries(), b.Entries());
        Assert.Equal(P(3), a.Owner(A("10.0.0.1")));
    }

    [Fact]
    public void A_tie_break_never_hands_this_peer_a_range_another_peer_is_named_for() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 2, 1, 10)), Data(E("10.0.0.0", 1, 1, 256)), NoAllocations, false,
            E("10.0.0.0", 2, 1, 10));

    [Fact]
    public void A_newer_version_of_another_peers_entry_is_accepted() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 2, 1, 10)), Data(E("10.0.0.0", 3, 2, 5)), NoAllocations, true,
            E("10.0.0.0", 3, 2, 5));

    [Fact]
    public void A_newer_version_naming_another_owner_of_an_unused_own_entry_is_accepted_as_repair() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 1, 256)), Data(E("10.0.0.0", 2, 2, 256)), NoAllocations, true,
            E("10.0.0.0", 2, 2, 256));

    [Fact]
    public void A_newer_version_naming_this_peer_keeps_local_and_moves_past_it() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 1, 100)), Data(E("10.0.0.0", 1, 4, 256)), NoAllocations, true,
            E("10.0.0.0", 1, 5, 100));

    [Fact]
    public void A_newer_version_naming_another_owner_of_an_own_entry_in_use_is_a_takeover() =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 1, 100)), Data(E("10.0.0.0", 2, 101, 256)), AllAllocated,
            RingMergeErrorKind.TakenOver, "Received update for IP range I own at 10.0.0.0 v1: incoming message says owner 02:00:00:02:00:00 v101");

    [Fact]
    public void Own_free_counts_are_clamped_after_a_split_with_a_version_bump() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 3, 256)), Data(E("10.0.0.0", 1, 3, 64), E("10.0.0.64", 2, 0, 192)), NoAllocations, true,
            E("10.0.0.0", 1, 4, 64), E("10.0.0.64", 2, 0, 192));

    [Fact]
    public void A_different_universe_is_refused() =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 0, 256)), new RingData(C("10.0.1.0/24"), [], [E("10.0.1.0", 2, 0, 256)]), NoAllocations,
            RingMergeErrorKind.DifferentRange, "differs from ours");

    [Fact]
    public void Different_seeds_are_refused()
    {
        var ring = new Ring(Universe, P(1));
        ring.ClaimForPeers([P(1), P(2)]);
        var other = new Ring(Universe, P(3));
        other.ClaimForPeers([P(3)]);
        AssertRefused(ring, other.ToData(), NoAllocations, RingMergeErrorKind.DifferentSeeds, "IP allocation was seeded by different peers");
    }

    [Theory]
    [InlineData("10.0.0.128", "10.0.0.0", "Ring not sorted")]
    [InlineData("10.0.0.0", "10.0.0.0", "appears twice")]
    [InlineData("10.0.0.0", "10.0.1.5", "out of range")]
    public void An_invalid_ring_is_refused(string first, string second, string message) =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 0, 256)), Data(E(first, 2, 0, 1), E(second, 3, 0, 1)), NoAllocations,
            RingMergeErrorKind.Invalid, message);

    [Fact]
    public void A_ring_reporting_more_free_space_than_it_spans_is_refused() =>
        AssertRefused(RingOf(1, E("10.0.0.0", 1, 0, 256)), Data(E("10.0.0.0", 2, 9, 100), E("10.0.0.64", 3, 0, 10)), NoAllocations,
            RingMergeErrorKind.Invalid, "reporting too much free space: 100 > 64");

    [Fact]
    public void Merging_an_empty_ring_changes_nothing() =>
        AssertMerged(RingOf(1, E("10.0.0.0", 1, 0, 256)), Data(), NoAllocations, false, E("10.0.0.0", 1, 0, 256));

    [Fact]
    public void An_old_message_changes_nothing()
    {
        var ring = RingOf(1, E("10.0.0.0", 1, 0, 256));
        var old = ring.ToData();
        ring.GrantRangeToHost(R("10.0.0.128", "10.0.1.0"), P(2));
        var after = ring.Entries();
        AssertMerged(ring, old, NoAllocations, false, [.. after]);
    }
}
