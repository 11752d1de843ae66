using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;

namespace WeaveOrleans.Ipam.Tests.FreeList;

public class IntervalSetTests
{
    private static readonly Address Base = Address.Parse("10.0.0.0");

    private static Address At(int offset) => Base + (UInt128)offset;

    private static AddressRange R(int start, int end) => new(At(start), At(end));

    private static IntervalSet Of(params (int Start, int End)[] ranges)
    {
        var set = new IntervalSet();
        foreach (var (start, end) in ranges)
            set.Add(R(start, end));
        return set;
    }

    private static AddressRange[] Rs(params (int Start, int End)[] ranges) => ranges.Select(r => R(r.Start, r.End)).ToArray();

    [Fact]
    public void New_set_is_empty()
    {
        var set = new IntervalSet();
        Assert.Equal(UInt128.Zero, set.Count);
        Assert.Empty(set.Ranges);
        Assert.False(set.Contains(At(0)));
    }

    [Fact]
    public void Add_to_empty_set_holds_exactly_that_range()
    {
        var set = Of((10, 20));
        Assert.Equal(Rs((10, 20)), set.Ranges);
        Assert.Equal((UInt128)10, set.Count);
    }

    [Fact]
    public void Add_of_touching_ranges_coalesces_them()
    {
        var set = Of((10, 20), (20, 30), (0, 10));
        Assert.Equal(Rs((0, 30)), set.Ranges);
        Assert.Equal(2, set.Boundaries.Length);
        Assert.Equal((UInt128)30, set.Count);
    }

    [Fact]
    public void Add_spanning_several_intervals_merges_them_and_counts_only_new_addresses()
    {
        var set = Of((0, 2), (4, 6), (8, 10), (20, 22));
        set.Add(R(1, 9));
        Assert.Equal(Rs((0, 10), (20, 22)), set.Ranges);
        Assert.Equal((UInt128)12, set.Count);
    }

    [Fact]
    public void Add_of_a_range_already_inside_changes_nothing()
    {
        var set = Of((0, 10));
        set.Add(R(3, 7));
        Assert.Equal(Rs((0, 10)), set.Ranges);
        Assert.Equal((UInt128)10, set.Count);
    }

    [Fact]
    public void Add_of_an_empty_range_changes_nothing()
    {
        var set = Of((0, 10));
        set.Add(R(20, 20));
        set.Add(R(30, 25));
        Assert.Equal(Rs((0, 10)), set.Ranges);
        Assert.Equal((UInt128)10, set.Count);
    }

    [Fact]
    public void Remove_from_the_middle_splits_an_interval()
    {
        var set = Of((0, 10));
        set.Remove(R(3, 5));
        Assert.Equal(Rs((0, 3), (5, 10)), set.Ranges);
        Assert.Equal((UInt128)8, set.Count);
    }

    [Fact]
    public void Remove_spanning_several_intervals_trims_the_ends_and_drops_the_inside()
    {
        var set = Of((0, 4), (6, 8), (10, 14));
        set.Remove(R(2, 12));
        Assert.Equal(Rs((0, 2), (12, 14)), set.Ranges);
        Assert.Equal((UInt128)4, set.Count);
    }

    [Fact]
    public void Remove_of_exact_interval_leaves_no_empty_interval_behind()
    {
        var set = Of((0, 4), (6, 8));
        set.Remove(R(6, 8));
        Assert.Equal(Rs((0, 4)), set.Ranges);
        Assert.Equal(2, set.Boundaries.Length);
    }

    [Fact]
    public void Remove_of_non_members_changes_nothing()
    {
        var set = Of((0, 4), (10, 14));
        set.Remove(R(4, 10));
        set.Remove(R(20, 30));
        set.Remove(R(2, 2));
        Assert.Equal(Rs((0, 4), (10, 14)), set.Ranges);
        Assert.Equal((UInt128)8, set.Count);
    }

    [Fact]
    public void Contains_treats_start_as_inside_and_end_as_outside()
    {
        var set = Of((10, 20));
        Assert.False(set.Contains(At(9)));
        Assert.True(set.Contains(At(10)));
        Assert.True(set.Contains(At(19)));
        Assert.False(set.Contains(At(20)));
    }

    [Fact]
    public void Overlaps_is_true_only_when_a_member_lies_inside_the_range()
    {
        var set = Of((10, 20), (30, 40));
        Assert.True(set.Overlaps(R(15, 16)));
        Assert.True(set.Overlaps(R(0, 11)));
        Assert.True(set.Overlaps(R(19, 30)));
        Assert.True(set.Overlaps(R(25, 31)));
        Assert.False(set.Overlaps(R(0, 10)));
        Assert.False(set.Overlaps(R(20, 30)));
        Assert.False(set.Overlaps(R(40, 50)));
        Assert.False(set.Overlaps(R(15, 15)));
    }

    [Fact]
    public void CountIn_counts_members_inside_the_range_across_intervals()
    {
        var set = Of((10, 20), (30, 40), (50, 60));
        Assert.Equal((UInt128)10, set.CountIn(R(15, 35)));
        Assert.Equal((UInt128)30, set.CountIn(R(0, 100)));
        Assert.Equal((UInt128)0, set.CountIn(R(20, 30)));
        Assert.Equal((UInt128)0, set.CountIn(R(15, 15)));
    }

    [Fact]
    public void FirstIn_returns_the_lowest_member_inside_the_range()
    {
        var set = Of((10, 20), (30, 40));
        Assert.True(set.FirstIn(R(0, 100), out var first));
        Assert.Equal(At(10), first);
        Assert.True(set.FirstIn(R(15, 100), out first));
        Assert.Equal(At(15), first);
        Assert.True(set.FirstIn(R(20, 31), out first));
        Assert.Equal(At(30), first);
    }

    [Fact]
    public void FirstIn_is_false_when_no_member_lies_inside_the_range()
    {
        var set = Of((10, 20), (30, 40));
        Assert.False(set.FirstIn(R(20, 30), out _));
        Assert.False(set.FirstIn(R(40, 50), out _));
        Assert.False(set.FirstIn(R(12, 12), out _));
        Assert.False(new IntervalSet().FirstIn(R(0, 100), out _));
    }

    [Fact]
    public void Clear_empties_the_set_and_its_count()
    {
        var set = Of((0, 10), (20, 30));
        set.Clear();
        Assert.Empty(set.Ranges);
        Assert.Equal(UInt128.Zero, set.Count);
        set.Add(R(5, 6));
        Assert.Equal(Rs((5, 6)), set.Ranges);
    }

    [Fact]
    public void Many_disjoint_intervals_grow_the_backing_store_and_stay_in_order()
    {
        var set = new IntervalSet();
        for (var i = 99; i >= 0; i--)
            set.Add(R(3 * i, 3 * i + 1));
        Assert.Equal(100, set.IntervalCount);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => R(3 * i, 3 * i + 1)), set.Ranges);
        Assert.Equal((UInt128)100, set.Count);
    }

    [Fact]
    public void Single_address_moves_do_not_allocate_once_capacity_is_reached()
    {
        var set = Of((0, 1000));
        // Warm up: reach the peak interval count once so the array has grown.
        set.Remove(R(500, 501));
        set.Add(R(500, 501));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < 999; i += 2)
        {
            set.Remove(R(i, i + 1));
            set.Add(R(i, i + 1));
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Enumerating_while_mutating_throws()
    {
        var set = Of((0, 2), (4, 6));
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var _ in set.Ranges)
                set.Add(R(10, 12));
        });
    }

    [Fact]
    public void Random_adds_and_removes_agree_with_a_set_of_addresses_and_stay_canonical()
    {
        var op = Gen.Select(Gen.Bool, Gen.Int[0, 80], Gen.Int[0, 80]);
        Gen.Select(op.Array[0, 40], Gen.Int[0, 80], Gen.Int[0, 80]).Sample((ops, qa, qb) =>
        {
            var set = new IntervalSet();
            var model = new SortedSet<int>();
            foreach (var (add, a, b) in ops)
            {
                var (lo, hi) = (Math.Min(a, b), Math.Max(a, b));
                if (add)
                {
                    set.Add(R(lo, hi));
                    model.UnionWith(Enumerable.Range(lo, hi - lo));
                }
                else
                {
                    set.Remove(R(lo, hi));
                    model.ExceptWith(Enumerable.Range(lo, hi - lo));
                }
                AssertCanonical(set);
                Assert.Equal((UInt128)model.Count, set.Count);
            }
            for (var i = 0; i < 80; i++)
                Assert.Equal(model.Contains(i), set.Contains(At(i)));

            var (qlo, qhi) = (Math.Min(qa, qb), Math.Max(qa, qb));
            var inside = model.GetViewBetween(qlo, Math.Max(qlo, qhi - 1)).Where(x => x < qhi).ToList();
            Assert.Equal((UInt128)inside.Count, set.CountIn(R(qlo, qhi)));
            Assert.Equal(inside.Count > 0, set.Overlaps(R(qlo, qhi)));
            Assert.Equal(inside.Count > 0, set.FirstIn(R(qlo, qhi), out var first));
            if (inside.Count > 0)
                Assert.Equal(At(inside[0]), first);
        }, iter: 600);
    }

    internal static void AssertCanonical(IntervalSet set)
    {
        var bounds = set.Boundaries;
        Assert.True(bounds.Length % 2 == 0, "boundaries come in start/end pairs");
        for (var i = 1; i < bounds.Length; i++)
        {
            if (bounds[i - 1] >= bounds[i])
                Assert.Fail($"boundaries must strictly increase (no empty or touching intervals): {set}");
        }
    }
}
