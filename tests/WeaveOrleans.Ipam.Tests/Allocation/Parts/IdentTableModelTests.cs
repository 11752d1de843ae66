using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Allocation.Holdings;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

/// <summary>
/// The compact ident table against a plain model (dictionaries of strings and lists, as the table
/// used to be) under long random runs of records, releases, restores and clears, with every kind of
/// ident its key encoding distinguishes.
/// </summary>
public class IdentTableModelTests
{
    private static readonly string[] Shapes =
    [
        "", "a", "ab", "AB", "0f", "0F", "x", "é", "雪", "\ud800", "ab\udc00", "weave:expose", "10.32.0.1",
        new string('f', 64), new string('F', 64), new string('é', 300), new string('z', 200_000),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Behaves_like_the_model_under_random_operations(int seed)
    {
        var random = new Random(seed);
        var table = new IdentTable();
        var model = new Dictionary<string, (bool IsContainer, List<Cidr> Cidrs)>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var idents = Enumerable.Range(0, 300).Select(i => Ident(random, i)).Concat(Shapes).Distinct().ToArray();
        var nextAddress = 1u;

        for (var step = 0; step < 20_000; step++)
        {
            var ident = idents[random.Next(idents.Length)];
            switch (random.Next(100))
            {
                case < 45:
                    var cidr = new Cidr(Address.FromV4(nextAddress++), random.Next(8, 31));
                    var container = random.Next(2) == 0;
                    table.Record(ident, cidr, container);
                    if (!model.TryGetValue(ident, out var row))
                        model[ident] = row = (container, []);
                    model[ident] = (container, row.Cidrs);
                    row.Cidrs.Add(cidr);
                    changed.Add(ident);
                    break;
                case < 85:
                    var held = model.TryGetValue(ident, out var owned) && owned.Cidrs.Count > 0
                        ? owned.Cidrs[random.Next(owned.Cidrs.Count)].Address
                        : Address.FromV4(nextAddress + 7);
                    Assert.Equal(model.ContainsKey(ident), table.Unrecord(ident, held));
                    if (model.TryGetValue(ident, out owned))
                    {
                        owned.Cidrs.RemoveAll(c => c.Address == held);
                        if (owned.Cidrs.Count == 0)
                            model.Remove(ident);
                        changed.Add(ident);
                    }
                    break;
                case < 97:
                    var restored = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new Cidr(Address.FromV4(nextAddress++), 24)).ToList();
                    table.Restore(ident, new OwnedAddresses(true, [.. restored]));
                    model[ident] = (true, restored);
                    break;
                case < 98:
                    table.Clear();
                    model.Clear();
                    break;
                default:
                    var rows = table.TakeChangedRows();
                    Assert.Equal(changed.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
                    foreach (var (key, value) in rows)
                    {
                        if (model.TryGetValue(key, out var expected))
                        {
                            Assert.NotNull(value);
                            Assert.Equal(expected.IsContainer, value.IsContainer);
                            Assert.Equal(expected.Cidrs, value.Cidrs);
                        }
                        else
                            Assert.Null(value);
                    }
                    changed.Clear();
                    break;
            }
            if (step % 500 == 0)
                AssertSame(model, table);
        }
        AssertSame(model, table);
    }

    [Fact]
    public void Keys_outlive_the_compaction_of_many_released_ones()
    {
        var table = new IdentTable();
        var ids = Enumerable.Range(0, 30_000).Select(i => i.ToString("x64")).ToArray();
        for (var i = 0; i < ids.Length; i++)
            table.Record(ids[i], new Cidr(Address.FromV4((uint)i + 1), 12), true);
        // Releasing all but every hundredth leaves far more holes than keys, which makes the table rebuild its key pages.
        for (var i = 0; i < ids.Length; i++)
            if (i % 100 != 0)
                Assert.True(table.Unrecord(ids[i], Address.FromV4((uint)i + 1)));

        Assert.Equal(300, table.AddressCount);
        Assert.Equal(ids.Where((_, i) => i % 100 == 0).Order(), table.Owned.Keys.Order());
        for (var i = 0; i < ids.Length; i += 100)
        {
            Assert.True(table.TryGetHolder(Address.FromV4((uint)i + 1), out var holder));
            Assert.Equal(ids[i], holder);
        }
    }

    private static string Ident(Random random, int i) => (i % 4) switch
    {
        0 => random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16"),
        1 => $"cni:net:{random.Next()}:eth0",
        2 => random.NextInt64().ToString("X16"),
        _ => new string((char)random.Next(0x20, 0xffff), random.Next(1, 5)),
    };

    private static void AssertSame(Dictionary<string, (bool IsContainer, List<Cidr> Cidrs)> model, IdentTable table)
    {
        Assert.Equal(model.Values.Sum(r => r.Cidrs.Count), table.AddressCount);
        Assert.Equal(model.Count, table.Owned.Count);
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), table.Owned.Keys.Order(StringComparer.Ordinal));
        foreach (var (ident, row) in model)
        {
            Assert.True(table.Owned.TryGetValue(ident, out var owned));
            Assert.Equal(row.IsContainer, owned.IsContainer);
            Assert.Equal(row.Cidrs, owned.Cidrs);
            Assert.Equal(row.IsContainer, table.IsContainer(ident));
            foreach (var cidr in row.Cidrs)
            {
                Assert.True(table.TryGetHolder(cidr.Address, out var holder));
                Assert.Equal(ident, holder);
                Assert.True(table.Holds(ident, cidr.Address));
                Assert.Equal(cidr, table.FindIn(ident, new Cidr(cidr.Address, 32)));
            }
        }
    }
}
