namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>The nemesis checker on histories made by hand: it finds what it must and counts only what is certain.</summary>
public sealed class HistoryCheckerTests
{
    private static readonly Dictionary<int, double> NoneRemoved = [];

    private static Operation Op(int seq, int host, OpKind kind, string id, string? address, double invoked, double completed, int? status, string? given = null) =>
        new(seq, host, kind, id, address, invoked) { Completed = completed, Status = status, Given = given };

    [Fact]
    public void Two_ids_acknowledged_the_same_address_while_neither_freed_it_is_a_duplicate()
    {
        Operation[] ops =
        [
            Op(0, 1, OpKind.Allocate, "a", null, 1.0, 1.1, 200, "10.44.0.5/22"),
            Op(1, 2, OpKind.Claim, "b", "10.44.0.5", 2.0, 2.1, 204),
        ];
        var found = HistoryChecker.Duplicates(HistoryChecker.Holds(ops, NoneRemoved));
        Assert.Single(found);
        Assert.Contains("duplicate 10.44.0.5", found[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_sent_but_unanswered_ends_the_certain_span_so_a_later_claim_is_no_duplicate()
    {
        Operation[] ops =
        [
            Op(0, 1, OpKind.Allocate, "a", null, 1.0, 1.1, 200, "10.44.0.5/22"),
            Op(1, 1, OpKind.Free, "a", "10.44.0.5", 2.0, 8.0, null),
            Op(2, 2, OpKind.Claim, "b", "10.44.0.5", 3.0, 3.1, 204),
        ];
        Assert.Empty(HistoryChecker.Duplicates(HistoryChecker.Holds(ops, NoneRemoved)));
    }

    [Fact]
    public void An_unanswered_claim_is_never_counted_as_held()
    {
        Operation[] ops =
        [
            Op(0, 1, OpKind.Allocate, "a", null, 1.0, 1.1, 200, "10.44.0.5/22"),
            Op(1, 2, OpKind.Claim, "b", "10.44.0.5", 2.0, 8.0, null),
        ];
        Assert.Empty(HistoryChecker.Duplicates(HistoryChecker.Holds(ops, NoneRemoved)));
    }

    [Fact]
    public void A_host_removed_for_good_holds_nothing_after_its_death()
    {
        Operation[] ops =
        [
            Op(0, 1, OpKind.Allocate, "a", null, 1.0, 1.1, 200, "10.44.0.5/22"),
            Op(1, 2, OpKind.Allocate, "b", null, 6.0, 6.1, 200, "10.44.0.5/22"),
        ];
        Assert.Empty(HistoryChecker.Duplicates(HistoryChecker.Holds(ops, new Dictionary<int, double> { [1] = 5.0 })));
        Assert.Single(HistoryChecker.Duplicates(HistoryChecker.Holds(ops, NoneRemoved)));
    }

    [Fact]
    public void An_acknowledged_address_missing_from_its_hosts_listing_is_lost_unless_a_free_was_sent()
    {
        Operation[] ops =
        [
            Op(0, 1, OpKind.Allocate, "a", null, 1.0, 1.1, 200, "10.44.0.5/22"),
            Op(1, 1, OpKind.Allocate, "b", null, 1.2, 1.3, 200, "10.44.0.6/22"),
            Op(2, 1, OpKind.Delete, "b", "10.44.0.6", 2.0, 2.1, null),
            Op(3, 1, OpKind.Allocate, "c", null, 1.4, 1.5, 200, "10.44.0.7/22"),
        ];
        var holds = HistoryChecker.Holds(ops, NoneRemoved);
        var listing = new Dictionary<string, string[]> { ["c"] = ["10.44.0.7/22"] };
        var lost = HistoryChecker.Lost(holds, 1, listing, double.PositiveInfinity, 10.0, "at the end");
        Assert.Single(lost);
        Assert.StartsWith("lost at the end: a@host1", lost[0], StringComparison.Ordinal);
    }

    [Fact]
    public void One_address_in_two_hosts_listings_is_a_duplicate()
    {
        var listings = new Dictionary<int, IReadOnlyDictionary<string, string[]>>
        {
            [1] = new Dictionary<string, string[]> { ["a"] = ["10.44.0.5/22"] },
            [2] = new Dictionary<string, string[]> { ["b"] = ["10.44.0.5/22"], ["c"] = ["10.44.0.9/22"] },
        };
        Assert.Single(HistoryChecker.ListedTwice(listings));
    }
}
