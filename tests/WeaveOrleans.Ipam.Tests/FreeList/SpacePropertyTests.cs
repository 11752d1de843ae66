using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.FreeList;

namespace WeaveOrleans.Ipam.Tests.FreeList;

/// <summary>
/// Random operation sequences over 10.0.0.0/26, checked step by step against a model that keeps
/// plain sets of address offsets. The model's donation is a brute-force search over every aligned
/// block, independent of the interval walk the Space does.
/// </summary>
public class SpacePropertyTests
{
    private const int Universe = 64;
    private static readonly Address Base = Address.Parse("10.0.0.0");

    public enum Kind { AddOwned, Allocate, Claim, Free, Donate, RemoveOwned }

    /// <summary>One step; X and Y are offsets in [0, 64]: a range [min, max) or, for single-address steps, X.</summary>
    public sealed record Op(Kind Kind, int X, int Y)
    {
        public AddressRange Range => new(At(Math.Min(X, Y)), At(Math.Max(X, Y)));
        public int Lo => Math.Min(X, Y);
        public int Hi => Math.Max(X, Y);
        public override string ToString() => $"{Kind}({X},{Y})";
    }

    private static Address At(int offset) => Base + (UInt128)offset;

    private static int OffsetOf(Address a) => (int)(a - Base);

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Frequency((2, Gen.Const(Kind.AddOwned)), (3, Gen.Const(Kind.Allocate)), (2, Gen.Const(Kind.Claim)),
            (2, Gen.Const(Kind.Free)), (1, Gen.Const(Kind.Donate)), (1, Gen.Const(Kind.RemoveOwned))),
        Gen.Int[0, Universe], Gen.Int[0, Universe],
        (kind, x, y) => new Op(kind, x, y));

    private sealed class Model
    {
        public readonly SortedSet<int> Owned = [];
        public readonly SortedSet<int> Allocated = [];

        public IEnumerable<int> Free => Owned.Except(Allocated);

        public bool IsFree(int a) => Owned.Contains(a) && !Allocated.Contains(a);

        public int FreeIn(int lo, int hi) => Enumerable.Range(lo, hi - lo).Count(IsFree);

        /// <summary>The donation rule stated directly: largest fully free aligned block in [lo, hi), lowest on ties, halved if it is most of the free space.</summary>
        public (int Start, int Size)? Donation(int lo, int hi)
        {
            for (var size = Universe; size >= 1; size /= 2)
            {
                for (var start = 0; start + size <= Universe; start += size)
                {
                    if (start < lo || start + size > hi || !Enumerable.Range(start, size).All(IsFree))
                        continue;
                    return size > FreeIn(lo, hi) / 2 && size >= 2 ? (start + size / 2, size / 2) : (start, size);
                }
            }
            return null;
        }
    }

    [Fact]
    public void Random_operations_agree_with_a_model_of_address_sets()
    {
        GenOp.Array[1, 60].Sample(ops =>
        {
            var space = new Space();
            var model = new Model();
            foreach (var op in ops)
            {
                Apply(op, space, model);
                AssertAgrees(space, model);
            }
        }, iter: 300);
    }

    [Fact]
    public void Allocating_until_full_hands_out_every_owned_address_in_ascending_order()
    {
        var ranges = Gen.Select(Gen.Int[0, Universe], Gen.Int[0, Universe]).Array[0, 8];
        ranges.Sample(pairs =>
        {
            var space = new Space();
            var model = new Model();
            foreach (var (x, y) in pairs)
            {
                var (lo, hi) = (Math.Min(x, y), Math.Max(x, y));
                if (Enumerable.Range(lo, hi - lo).Any(model.Owned.Contains))
                    continue;
                space.AddOwned(new AddressRange(At(lo), At(hi)));
                model.Owned.UnionWith(Enumerable.Range(lo, hi - lo));
            }
            var handedOut = new List<int>();
            while (space.TryAllocate(new AddressRange(At(0), At(Universe)), out var a))
                handedOut.Add(OffsetOf(a));
            Assert.Equal(model.Owned, handedOut);
            Assert.Equal(UInt128.Zero, space.FreeCount);
        }, iter: 300);
    }

    private static void Apply(Op op, Space space, Model model)
    {
        switch (op.Kind)
        {
            case Kind.AddOwned:
            {
                var overlaps = Enumerable.Range(op.Lo, op.Hi - op.Lo).Any(model.Owned.Contains);
                if (overlaps)
                {
                    Assert.Throws<InvalidOperationException>(() => space.AddOwned(op.Range));
                }
                else
                {
                    space.AddOwned(op.Range);
                    model.Owned.UnionWith(Enumerable.Range(op.Lo, op.Hi - op.Lo));
                }
                break;
            }
            case Kind.Allocate:
            {
                var expected = model.Free.Where(a => a >= op.Lo && a < op.Hi).Order().Cast<int?>().FirstOrDefault();
                var ok = space.TryAllocate(op.Range, out var got);
                Assert.Equal(expected.HasValue, ok);
                if (expected is { } e)
                {
                    Assert.Equal(At(e), got);
                    model.Allocated.Add(e);
                }
                break;
            }
            case Kind.Claim:
            {
                var a = Math.Min(op.X, Universe - 1);
                var expected = model.IsFree(a) ? ClaimResult.Claimed
                    : model.Allocated.Contains(a) ? ClaimResult.AlreadyAllocated
                    : ClaimResult.NotOwned;
                Assert.Equal(expected, space.Claim(At(a)));
                if (expected == ClaimResult.Claimed)
                    model.Allocated.Add(a);
                break;
            }
            case Kind.Free:
            {
                // Half the time free something known to be allocated, so Free succeeds often enough to matter.
                var a = op.Y % 2 == 0 && model.Allocated.Count > 0
                    ? model.Allocated.ElementAt(op.X % model.Allocated.Count)
                    : Math.Min(op.X, Universe - 1);
                Assert.Equal(model.Allocated.Remove(a), space.Free(At(a)));
                break;
            }
            case Kind.Donate:
            {
                var expected = model.Donation(op.Lo, op.Hi);
                var ok = space.TryDonate(op.Range, out var donated);
                Assert.Equal(expected.HasValue, ok);
                if (expected is { } d)
                {
                    Assert.Equal(new AddressRange(At(d.Start), At(d.Start + d.Size)), donated);
                    model.Owned.ExceptWith(Enumerable.Range(d.Start, d.Size));
                }
                break;
            }
            case Kind.RemoveOwned:
            {
                var refused = Enumerable.Range(op.Lo, op.Hi - op.Lo).Any(model.Allocated.Contains);
                Assert.Equal(!refused, space.TryRemoveOwned(op.Range));
                if (!refused)
                    model.Owned.ExceptWith(Enumerable.Range(op.Lo, op.Hi - op.Lo));
                break;
            }
        }
    }

    private static void AssertAgrees(Space space, Model model)
    {
        IntervalSetTests.AssertCanonical(space.FreeSet);
        IntervalSetTests.AssertCanonical(space.AllocatedSet);

        var free = model.Free.ToList();
        Assert.Equal((UInt128)free.Count, space.FreeCount);
        Assert.Equal((UInt128)model.Allocated.Count, space.AllocatedCount);
        Assert.Equal((UInt128)model.Owned.Count, space.OwnedCount);

        for (var a = 0; a < Universe; a++)
        {
            var agrees = model.IsFree(a) == space.IsFree(At(a))
                && model.Allocated.Contains(a) == space.IsAllocated(At(a))
                && model.Owned.Contains(a) == space.Owns(At(a));
            if (!agrees)
                Assert.Fail($"membership of {At(a)} disagrees with the model; space is {space}");
        }

        AssertSameRanges(RunsOf(free), space.FreeRanges());
        AssertSameRanges(RunsOf(model.Allocated), space.AllocatedRanges());
        AssertSameRanges(RunsOf(model.Owned), space.OwnedRanges());
    }

    // Assert.Equal on sequences goes through xunit's general comparer, which made this property several times slower.
    private static void AssertSameRanges(List<AddressRange> expected, IEnumerable<AddressRange> actual)
    {
        var got = actual.ToList();
        if (!expected.SequenceEqual(got))
            Assert.Fail($"expected [{string.Join(", ", expected)}] but got [{string.Join(", ", got)}]");
    }

    /// <summary>Maximal runs of consecutive offsets, as ranges: what a canonical interval list must enumerate.</summary>
    private static List<AddressRange> RunsOf(IEnumerable<int> offsets)
    {
        var runs = new List<AddressRange>();
        foreach (var a in offsets.Order())
        {
            if (runs.Count > 0 && runs[^1].End == At(a))
                runs[^1] = runs[^1] with { End = At(a + 1) };
            else
                runs.Add(new AddressRange(At(a), At(a + 1)));
        }
        return runs;
    }
}
