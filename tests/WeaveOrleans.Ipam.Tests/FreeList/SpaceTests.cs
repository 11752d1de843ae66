using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;

namespace WeaveOrleans.Ipam.Tests.FreeList;

public class SpaceTests
{
    private static Address A(string text) => Address.Parse(text);

    /// <summary>Inclusive first and last address, as people write them.</summary>
    private static AddressRange R(string first, string last) => new(A(first), A(last) + 1);

    private static AddressRange Block(string cidr) => Cidr.Parse(cidr).Range;

    private static Space Owning(params string[] cidrs)
    {
        var space = new Space();
        foreach (var cidr in cidrs)
            space.AddOwned(Block(cidr));
        return space;
    }

    private static (AddressRange[] Free, AddressRange[] Allocated) Snapshot(Space s) =>
        (s.FreeRanges().ToArray(), s.AllocatedRanges().ToArray());

    // ---- counts and AddOwned ----

    [Fact]
    public void New_space_owns_nothing()
    {
        var space = new Space();
        Assert.Equal(UInt128.Zero, space.OwnedCount);
        Assert.Equal(UInt128.Zero, space.FreeCount);
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
        Assert.Empty(space.OwnedRanges());
        Assert.False(space.TryAllocate(Block("10.0.0.0/8"), out _));
    }

    [Fact]
    public void AddOwned_adds_the_range_as_free()
    {
        var space = Owning("10.0.0.0/24");
        Assert.Equal((UInt128)256, space.FreeCount);
        Assert.Equal((UInt128)256, space.OwnedCount);
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
        Assert.True(space.IsFree(A("10.0.0.0")));
        Assert.True(space.Owns(A("10.0.0.255")));
        Assert.False(space.Owns(A("10.0.1.0")));
    }

    [Fact]
    public void AddOwned_of_an_adjacent_range_is_allowed_and_coalesces()
    {
        var space = Owning("10.0.0.0/25", "10.0.0.128/25");
        Assert.Equal([Block("10.0.0.0/24")], space.OwnedRanges());
    }

    [Fact]
    public void AddOwned_overlapping_free_space_throws_and_changes_nothing()
    {
        var space = Owning("10.0.0.0/24");
        var ex = Assert.Throws<InvalidOperationException>(() => space.AddOwned(R("10.0.0.200", "10.0.1.10")));
        Assert.Contains("already owned", ex.Message);
        Assert.Equal((UInt128)256, space.OwnedCount);
    }

    [Fact]
    public void AddOwned_overlapping_an_allocated_address_throws()
    {
        var space = Owning("10.0.0.0/24");
        Assert.Equal(ClaimResult.Claimed, space.Claim(A("10.0.0.5")));
        Assert.True(space.TryRemoveOwned(R("10.0.0.0", "10.0.0.4")));
        Assert.True(space.TryRemoveOwned(R("10.0.0.6", "10.0.0.255")));
        Assert.Throws<InvalidOperationException>(() => space.AddOwned(R("10.0.0.0", "10.0.0.10")));
        Assert.Equal(UInt128.One, space.OwnedCount);
    }

    [Fact]
    public void AddOwned_of_an_empty_range_changes_nothing()
    {
        var space = Owning("10.0.0.0/24");
        space.AddOwned(new AddressRange(A("10.0.0.5"), A("10.0.0.5")));
        Assert.Equal((UInt128)256, space.OwnedCount);
    }

    // ---- TryAllocate ----

    [Fact]
    public void TryAllocate_hands_out_addresses_bottom_up()
    {
        var space = Owning("10.0.0.0/24");
        var host = Cidr.Parse("10.0.0.0/24").HostRange;
        var handedOut = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(space.TryAllocate(host, out var a));
            handedOut.Add(a.ToString());
        }
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"], handedOut);
        Assert.Equal((UInt128)4, space.AllocatedCount);
        Assert.Equal((UInt128)252, space.FreeCount);
        Assert.Equal((UInt128)256, space.OwnedCount);
    }

    [Fact]
    public void TryAllocate_skips_allocated_addresses_and_reuses_the_lowest_freed_one()
    {
        var space = Owning("10.0.0.0/24");
        var within = Block("10.0.0.0/24");
        space.Claim(A("10.0.0.0"));
        space.Claim(A("10.0.0.1"));
        space.Claim(A("10.0.0.3"));
        Assert.True(space.TryAllocate(within, out var a));
        Assert.Equal(A("10.0.0.2"), a);
        Assert.True(space.Free(A("10.0.0.1")));
        Assert.True(space.TryAllocate(within, out a));
        Assert.Equal(A("10.0.0.1"), a);
        Assert.True(space.TryAllocate(within, out a));
        Assert.Equal(A("10.0.0.4"), a);
    }

    [Fact]
    public void TryAllocate_only_looks_inside_the_given_range()
    {
        var space = Owning("10.0.0.0/24", "10.0.2.0/24");
        Assert.True(space.TryAllocate(R("10.0.1.0", "10.0.3.255"), out var a));
        Assert.Equal(A("10.0.2.0"), a);
        Assert.True(space.TryAllocate(R("10.0.0.100", "10.0.0.200"), out a));
        Assert.Equal(A("10.0.0.100"), a);
    }

    [Fact]
    public void TryAllocate_fails_without_change_when_nothing_is_free_in_the_range()
    {
        var space = Owning("10.0.0.0/30");
        for (var i = 0; i < 4; i++)
            Assert.True(space.TryAllocate(Block("10.0.0.0/30"), out _));
        Assert.False(space.TryAllocate(Block("10.0.0.0/30"), out _));
        Assert.False(space.TryAllocate(Block("10.0.1.0/24"), out _));
        Assert.Equal((UInt128)4, space.AllocatedCount);
        Assert.Equal(UInt128.Zero, space.FreeCount);
    }

    // ---- Claim ----

    [Fact]
    public void Claim_of_a_free_address_allocates_it()
    {
        var space = Owning("10.0.0.0/24");
        Assert.Equal(ClaimResult.Claimed, space.Claim(A("10.0.0.7")));
        Assert.True(space.IsAllocated(A("10.0.0.7")));
        Assert.False(space.IsFree(A("10.0.0.7")));
        Assert.Equal(UInt128.One, space.AllocatedCount);
        Assert.Equal((UInt128)255, space.FreeCount);
    }

    [Fact]
    public void Claim_of_an_allocated_address_reports_AlreadyAllocated_without_change()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.7"));
        Assert.Equal(ClaimResult.AlreadyAllocated, space.Claim(A("10.0.0.7")));
        Assert.Equal(UInt128.One, space.AllocatedCount);
        Assert.Equal((UInt128)255, space.FreeCount);
    }

    [Fact]
    public void Claim_of_an_address_not_owned_reports_NotOwned_without_change()
    {
        var space = Owning("10.0.0.0/24");
        Assert.Equal(ClaimResult.NotOwned, space.Claim(A("10.0.1.0")));
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
        Assert.Equal((UInt128)256, space.OwnedCount);
    }

    // ---- Free ----

    [Fact]
    public void Free_returns_an_allocated_address_to_the_free_set()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.7"));
        Assert.True(space.Free(A("10.0.0.7")));
        Assert.True(space.IsFree(A("10.0.0.7")));
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
        Assert.Equal([Block("10.0.0.0/24")], space.FreeRanges());
    }

    [Fact]
    public void Free_of_an_address_that_is_already_free_is_refused_without_change()
    {
        var space = Owning("10.0.0.0/24");
        Assert.False(space.Free(A("10.0.0.7")));
        Assert.Equal((UInt128)256, space.FreeCount);
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
    }

    [Fact]
    public void Free_of_an_address_not_owned_is_refused_without_change()
    {
        var space = Owning("10.0.0.0/24");
        Assert.False(space.Free(A("10.0.1.7")));
        Assert.False(space.Owns(A("10.0.1.7")));
        Assert.Equal((UInt128)256, space.OwnedCount);
    }

    // ---- TryRemoveOwned ----

    [Fact]
    public void TryRemoveOwned_of_free_space_stops_owning_it()
    {
        var space = Owning("10.0.0.0/24");
        Assert.True(space.TryRemoveOwned(Block("10.0.0.64/26")));
        Assert.Equal([R("10.0.0.0", "10.0.0.63"), R("10.0.0.128", "10.0.0.255")], space.OwnedRanges());
        Assert.Equal((UInt128)192, space.FreeCount);
        Assert.False(space.Owns(A("10.0.0.100")));
    }

    [Fact]
    public void TryRemoveOwned_ignores_the_parts_it_does_not_own()
    {
        var space = Owning("10.0.0.0/24");
        Assert.True(space.TryRemoveOwned(R("10.0.0.192", "10.0.1.255")));
        Assert.Equal([R("10.0.0.0", "10.0.0.191")], space.OwnedRanges());
        Assert.True(space.TryRemoveOwned(Block("10.9.0.0/16")));
        Assert.Equal((UInt128)192, space.OwnedCount);
    }

    [Fact]
    public void TryRemoveOwned_is_refused_and_changes_nothing_when_an_address_in_it_is_allocated()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.130"));
        space.Claim(A("10.0.0.10"));
        var before = Snapshot(space);

        Assert.False(space.TryRemoveOwned(Block("10.0.0.128/25")));

        var after = Snapshot(space);
        Assert.Equal(before.Free, after.Free);
        Assert.Equal(before.Allocated, after.Allocated);
        Assert.Equal((UInt128)254, space.FreeCount);
        Assert.Equal((UInt128)2, space.AllocatedCount);
    }

    [Fact]
    public void TryRemoveOwned_succeeds_right_next_to_an_allocated_address()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.127"));
        Assert.True(space.TryRemoveOwned(Block("10.0.0.128/25")));
        Assert.Equal([R("10.0.0.0", "10.0.0.127")], space.OwnedRanges());
        Assert.True(space.IsAllocated(A("10.0.0.127")));
    }

    // ---- TryDonate: the reference vectors ----

    [Fact]
    public void TryDonate_of_a_completely_free_slash12_gives_its_upper_slash13()
    {
        var space = Owning("10.32.0.0/12");
        Assert.True(space.TryDonate(Block("10.32.0.0/12"), out var donated));
        Assert.Equal(Block("10.40.0.0/13"), donated);
        Assert.Equal([Block("10.32.0.0/13")], space.OwnedRanges());
    }

    [Fact]
    public void TryDonate_of_a_slash12_with_one_host_in_use_gives_a_slash14()
    {
        var space = Owning("10.32.0.0/12");
        Assert.Equal(ClaimResult.Claimed, space.Claim(A("10.32.0.1")));
        Assert.True(space.TryDonate(Block("10.32.0.0/12"), out var donated));
        Assert.Equal(Block("10.44.0.0/14"), donated);
    }

    [Fact]
    public void TryDonate_of_a_slash24_with_the_first_hundred_in_use_gives_the_top_slash26()
    {
        var space = Owning("10.0.0.0/24");
        for (var i = 0; i < 100; i++)
            Assert.Equal(ClaimResult.Claimed, space.Claim(A("10.0.0.0") + (UInt128)i));
        Assert.True(space.TryDonate(Block("10.0.0.0/24"), out var donated));
        Assert.Equal(Block("10.0.0.192/26"), donated);
    }

    [Fact]
    public void TryDonate_of_a_single_free_address_gives_it_whole()
    {
        var space = Owning("10.0.0.0/24");
        var one = new AddressRange(A("10.0.0.9"), A("10.0.0.10"));
        Assert.True(space.TryDonate(one, out var donated));
        Assert.Equal(one, donated);
        Assert.False(space.Owns(A("10.0.0.9")));
    }

    // ---- TryDonate: the rule itself ----

    [Fact]
    public void TryDonate_removes_the_donated_block_from_owned_and_free()
    {
        var space = Owning("10.0.0.0/24");
        Assert.True(space.TryDonate(Block("10.0.0.0/24"), out var donated));
        Assert.Equal(Block("10.0.0.128/25"), donated);
        Assert.Equal((UInt128)128, space.OwnedCount);
        Assert.Equal((UInt128)128, space.FreeCount);
        Assert.False(space.Owns(A("10.0.0.128")));
    }

    [Fact]
    public void TryDonate_gives_the_whole_block_when_it_is_at_most_half_the_free_space()
    {
        // Two free /26s: the biggest block is exactly half of what is free, so it goes whole.
        var space = Owning("10.0.0.0/26", "10.0.0.128/26");
        Assert.True(space.TryDonate(Block("10.0.0.0/24"), out var donated));
        Assert.Equal(Block("10.0.0.0/26"), donated);
        Assert.Equal([Block("10.0.0.128/26")], space.OwnedRanges());
    }

    [Fact]
    public void TryDonate_takes_from_the_largest_aligned_block_even_when_a_smaller_one_is_lower()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.100"));
        // Free: .0-.99 (largest aligned block .0/26) and .101-.255 (largest .128/25). The /25 wins;
        // it is more than half of the 255 free addresses, so its upper half goes.
        Assert.True(space.TryDonate(Block("10.0.0.0/24"), out var donated));
        Assert.Equal(Block("10.0.0.192/26"), donated);
    }

    [Fact]
    public void TryDonate_breaks_a_tie_between_equal_blocks_by_taking_the_lowest()
    {
        var space = Owning("10.0.0.0/26", "10.0.0.96/27", "10.0.0.128/26");
        Assert.True(space.TryDonate(Block("10.0.0.0/24"), out var donated));
        Assert.Equal(Block("10.0.0.0/26"), donated);
    }

    [Fact]
    public void TryDonate_only_considers_free_space_inside_the_given_range()
    {
        var space = Owning("10.0.0.0/24");
        Assert.True(space.TryDonate(R("10.0.0.10", "10.0.0.40"), out var donated));
        // Inside .10-.40 (31 free) the largest aligned block is .16/28 (16 > 31/2), so its top half goes.
        Assert.Equal(Block("10.0.0.24/29"), donated);
    }

    [Fact]
    public void TryDonate_fails_without_change_when_nothing_is_free_in_the_range()
    {
        var space = Owning("10.0.0.0/30");
        space.Claim(A("10.0.0.0"));
        space.Claim(A("10.0.0.1"));
        Assert.False(space.TryDonate(R("10.0.0.0", "10.0.0.1"), out _));
        Assert.False(space.TryDonate(Block("10.1.0.0/16"), out _));
        Assert.False(new Space().TryDonate(Block("10.0.0.0/8"), out _));
        Assert.Equal((UInt128)4, space.OwnedCount);
    }

    // ---- queries ----

    [Fact]
    public void FreeIn_counts_only_free_addresses_inside_the_range()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.5"));
        Assert.Equal((UInt128)9, space.FreeIn(R("10.0.0.0", "10.0.0.9")));
        Assert.Equal((UInt128)255, space.FreeIn(Block("10.0.0.0/16")));
        Assert.Equal(UInt128.Zero, space.FreeIn(Block("10.0.1.0/24")));
    }

    [Fact]
    public void HasAllocations_is_true_only_when_an_allocated_address_is_inside()
    {
        var space = Owning("10.0.0.0/24");
        Assert.False(space.HasAllocations(Block("10.0.0.0/24")));
        space.Claim(A("10.0.0.5"));
        Assert.True(space.HasAllocations(Block("10.0.0.0/24")));
        Assert.True(space.HasAllocations(R("10.0.0.5", "10.0.0.5")));
        Assert.False(space.HasAllocations(R("10.0.0.6", "10.0.0.255")));
        Assert.False(space.HasAllocations(R("10.0.0.0", "10.0.0.4")));
    }

    [Fact]
    public void IsFree_IsAllocated_and_Owns_classify_every_kind_of_address()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.5"));
        Assert.True(space.IsFree(A("10.0.0.4")));
        Assert.False(space.IsAllocated(A("10.0.0.4")));
        Assert.True(space.Owns(A("10.0.0.4")));

        Assert.False(space.IsFree(A("10.0.0.5")));
        Assert.True(space.IsAllocated(A("10.0.0.5")));
        Assert.True(space.Owns(A("10.0.0.5")));

        Assert.False(space.IsFree(A("10.0.1.5")));
        Assert.False(space.IsAllocated(A("10.0.1.5")));
        Assert.False(space.Owns(A("10.0.1.5")));
    }

    [Fact]
    public void OwnedRanges_glues_free_and_allocated_runs_that_touch()
    {
        var space = Owning("10.0.0.0/28", "10.0.0.32/28");
        space.Claim(A("10.0.0.0"));
        space.Claim(A("10.0.0.15"));
        space.Claim(A("10.0.0.40"));
        Assert.Equal([R("10.0.0.0", "10.0.0.15"), R("10.0.0.32", "10.0.0.47")], space.OwnedRanges());
        Assert.Equal([R("10.0.0.1", "10.0.0.14"), R("10.0.0.32", "10.0.0.39"), R("10.0.0.41", "10.0.0.47")], space.FreeRanges());
        Assert.Equal([R("10.0.0.0", "10.0.0.0"), R("10.0.0.15", "10.0.0.15"), R("10.0.0.40", "10.0.0.40")], space.AllocatedRanges());
    }

    [Fact]
    public void OwnedRanges_is_a_snapshot_that_changes_during_enumeration_do_not_disturb()
    {
        var space = Owning("10.0.0.0/28", "10.0.0.32/28");
        var seen = new List<AddressRange>();
        foreach (var r in space.OwnedRanges())
        {
            space.Claim(A("10.0.0.1"));
            seen.Add(r);
        }
        Assert.Equal([Block("10.0.0.0/28"), Block("10.0.0.32/28")], seen);
    }

    [Fact]
    public void Held_addresses_stay_owned_but_are_neither_allocated_claimed_nor_donated_until_released()
    {
        var space = Owning("10.0.0.0/29");
        space.Hold(Block("10.0.0.0/29"));
        Assert.Equal((UInt128)8, space.OwnedCount);
        Assert.Equal(UInt128.Zero, space.FreeCount);
        Assert.False(space.TryAllocate(Block("10.0.0.0/29"), out _));
        Assert.Equal(ClaimResult.Held, space.Claim(A("10.0.0.3")));
        Assert.False(space.TryDonate(Block("10.0.0.0/29"), out _));
        Assert.False(space.HasAllocations(Block("10.0.0.0/29")));
        Assert.Equal([Block("10.0.0.0/29")], space.OwnedRanges());
        space.Release(Block("10.0.0.0/30"));
        Assert.True(space.TryAllocate(Block("10.0.0.0/29"), out var a));
        Assert.Equal(A("10.0.0.0"), a);
        Assert.True(space.TryRemoveOwned(Block("10.0.0.0/29")) is false);
        space.Free(a);
        Assert.True(space.TryRemoveOwned(Block("10.0.0.0/29")));
        Assert.Equal(UInt128.Zero, space.OwnedCount);
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var space = Owning("10.0.0.0/24");
        space.Claim(A("10.0.0.5"));
        space.Clear();
        Assert.Equal(UInt128.Zero, space.OwnedCount);
        Assert.Equal(UInt128.Zero, space.AllocatedCount);
        Assert.Empty(space.OwnedRanges());
        Assert.False(space.Owns(A("10.0.0.5")));
    }
}
