using WeaveOrleans.Ipam.Allocation.Holdings;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class SlotIndexTests
{
    /// <summary>Few distinct hashes make long runs, so removals must shift later slots back for lookups to still find them.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(50)]
    [InlineData(int.MaxValue)]
    public void Finds_every_entry_added_and_none_removed(int hashes)
    {
        var random = new Random(hashes);
        var index = new SlotIndex();
        var model = new Dictionary<int, int>();
        for (var step = 0; step < 20_000; step++)
        {
            var entry = random.Next(2_000);
            if (model.Remove(entry, out var hash))
                Assert.True(index.Remove(hash, entry));
            else
            {
                hash = random.Next(hashes) - (hashes / 2);
                index.Add(hash, entry);
                model[entry] = hash;
            }
            if (step % 1_000 != 0)
                continue;
            Assert.Equal(model.Count, index.Count);
            foreach (var (e, h) in model)
                Assert.Contains(e, Candidates(index, h));
            Assert.False(index.Remove(12345, 999_999));
        }
    }

    private static List<int> Candidates(SlotIndex index, int hash)
    {
        var found = new List<int>();
        for (var probe = index.Start(hash); probe.MoveNext();)
            found.Add(probe.Current);
        return found;
    }
}
