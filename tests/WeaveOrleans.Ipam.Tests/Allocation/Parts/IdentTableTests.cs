using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Allocation.Holdings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class IdentTableTests
{
    private static Cidr Cidr(string text) => WeaveOrleans.Ipam.Addresses.Cidr.Parse(text);

    [Fact]
    public void Record_files_the_address_both_ways_and_marks_the_row()
    {
        var table = new IdentTable();
        table.Record("c1", Cidr("10.0.0.1/24"), isContainer: true);
        table.Record("c1", Cidr("10.0.1.1/24"), isContainer: true);

        Assert.True(table.TryGetHolder(A("10.0.1.1"), out var holder));
        Assert.Equal("c1", holder);
        Assert.Equal(2, table.AddressCount);
        Assert.Equal(["10.0.1.1/24"], table.Lookup("c1", Cidr("10.0.1.0/24")).Select(c => c.ToString()));
        Assert.Equal(Cidr("10.0.0.1/24"), table.FindIn("c1", Cidr("10.0.0.0/24")));
        var row = Assert.Single(table.TakeChangedRows());
        Assert.Equal("c1", row.Key);
        Assert.Equal([Cidr("10.0.0.1/24"), Cidr("10.0.1.1/24")], row.Value!.Cidrs.ToArray());
        Assert.True(row.Value.IsContainer);
    }

    [Fact]
    public void Changed_rows_are_handed_over_once()
    {
        var table = new IdentTable();
        table.Record("c1", Cidr("10.0.0.1/24"), isContainer: false);
        Assert.Single(table.TakeChangedRows());
        Assert.Empty(table.TakeChangedRows());
    }

    [Fact]
    public void Unrecording_the_last_address_deletes_the_row()
    {
        var table = new IdentTable();
        table.Record("c1", Cidr("10.0.0.1/24"), isContainer: true);
        table.TakeChangedRows();

        Assert.True(table.Unrecord("c1", A("10.0.0.1")));

        Assert.False(table.Holds(A("10.0.0.1")));
        Assert.Empty(table.Owned);
        var row = Assert.Single(table.TakeChangedRows());
        Assert.Equal(("c1", (OwnedAddresses?)null), (row.Key, row.Value));
    }

    [Fact]
    public void Unrecording_for_an_unknown_ident_changes_nothing()
    {
        var table = new IdentTable();
        table.Record("c1", Cidr("10.0.0.1/24"), isContainer: true);
        table.TakeChangedRows();

        Assert.False(table.Unrecord("c2", A("10.0.0.1")));

        Assert.True(table.Holds(A("10.0.0.1")));
        Assert.Empty(table.TakeChangedRows());
    }

    [Fact]
    public void Restored_rows_are_not_changes_but_dropped_stored_rows_are_deletions()
    {
        var table = new IdentTable();
        table.Restore("c1", new OwnedAddresses(true, [Cidr("10.0.0.1/24")]));
        Assert.True(table.Holds("c1", A("10.0.0.1")));
        Assert.Empty(table.TakeChangedRows());

        table.ForgetStored(["old"]);
        var row = Assert.Single(table.TakeChangedRows());
        Assert.Equal(("old", (OwnedAddresses?)null), (row.Key, row.Value));
    }

    [Fact]
    public void Counts_the_addresses_of_the_idents_named()
    {
        var table = new IdentTable();
        table.Record("c1", Cidr("10.0.0.1/24"), isContainer: true);
        table.Record("c1", Cidr("10.0.1.1/24"), isContainer: true);
        table.Record("c2", Cidr("10.0.0.2/24"), isContainer: false);
        Assert.Equal(2, table.CountHeldBy(["c1", "nobody"]));
        Assert.True(table.IsContainer("c1"));
        Assert.False(table.IsContainer("c2"));
    }
}
