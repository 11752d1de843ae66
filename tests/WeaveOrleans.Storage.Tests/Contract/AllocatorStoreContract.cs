using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests.Contract;

/// <summary>What every <see cref="IAllocatorStore"/> backend must do; one subclass per backend.</summary>
public abstract class AllocatorStoreContract
{
    private static CancellationToken None => CancellationToken.None;

    /// <summary>Opens a store over the same backing data each time it is called within one test.</summary>
    protected abstract IAllocatorStore OpenStore();

    protected string HostKey { get; } = "peer-" + Guid.NewGuid().ToString("N")[..12];

    [SkippableFact]
    public async Task Loading_a_host_that_never_committed_gives_null()
    {
        await using var store = AsDisposable(OpenStore());
        Assert.Null(await store.Store.LoadAsync(HostKey, None));
    }

    [SkippableFact]
    public async Task A_commit_is_read_back_with_its_snapshot_and_rows()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring-1"), Rows.Of(("c1", "10.32.0.1"), ("c2", "10.32.0.2"))), None);

        var state = await store.Store.LoadAsync(HostKey, None);

        Assert.NotNull(state);
        Assert.Equal("ring-1", Bytes.Text(state.Parts["ring"]));
        Assert.Equal(["c1", "c2"], state.Rows.Keys.Order());
        Assert.Equal("10.32.0.2", Bytes.Text(state.Rows["c2"]));
    }

    [SkippableFact]
    public async Task Rows_can_be_written_before_any_snapshot_and_a_null_snapshot_keeps_the_old_one()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, StateChange.Row("c1", Bytes.Of("a")), None);
        Assert.Empty((await store.Store.LoadAsync(HostKey, None))!.Parts);

        await store.Store.CommitAsync(HostKey, StateChange.Part("ring", Bytes.Of("ring-1")), None);
        await store.Store.CommitAsync(HostKey, StateChange.Row("c1", Bytes.Of("b")), None);

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal("ring-1", Bytes.Text(state!.Parts["ring"]));
        Assert.Equal("b", Bytes.Text(state.Rows["c1"]));
    }

    [SkippableFact]
    public async Task A_null_row_value_deletes_the_row()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring"), Rows.Of(("c1", "a"), ("c2", "b"), ("c3", "c"))), None);

        await store.Store.CommitAsync(HostKey, new StateChange(Parts.None, Rows.Of(("c1", null), ("c3", null), ("never-held", null))), None);

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal(["c2"], state!.Rows.Keys);
    }

    [SkippableFact]
    public async Task A_part_change_writes_only_its_parts_and_a_null_part_deletes_it()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Of(("header", "h"), ("entry/1", "e1"), ("entry/2", "e2")), Rows.Of(("c1", "a")), ReplacesSnapshot: true), None);

        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Of(("entry/1", null), ("entry/2", "e2'"), ("entry/3", "e3")), Rows.Of()), None);

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal(["entry/2", "entry/3", "header"], state!.Parts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("e2'", Bytes.Text(state.Parts["entry/2"]));
        Assert.Equal("h", Bytes.Text(state.Parts["header"]));
        Assert.Equal(["c1"], state.Rows.Keys);
    }

    [SkippableFact]
    public async Task A_whole_snapshot_replaces_every_part_and_leaves_the_rows()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Of(("header", "old"), ("entry/1", "e1")), Rows.Of(("c1", "a")), ReplacesSnapshot: true), None);

        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Of(("header", "new"), ("entry/9", "e9")), Rows.Of(("c2", "b")), ReplacesSnapshot: true), None);

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal(["entry/9", "header"], state!.Parts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("new", Bytes.Text(state.Parts["header"]));
        Assert.Equal(["c1", "c2"], state.Rows.Keys.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Delete_forgets_the_host_and_leaves_other_hosts_alone()
    {
        await using var store = AsDisposable(OpenStore());
        var otherHost = HostKey + "-other";
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring"), Rows.Of(("c1", "a"))), None);
        await store.Store.CommitAsync(otherHost, new StateChange(Parts.Ring("ring-2"), Rows.Of(("c9", "z"))), None);

        await store.Store.DeleteAsync(HostKey, None);

        Assert.Null(await store.Store.LoadAsync(HostKey, None));
        Assert.Equal(["c9"], (await store.Store.LoadAsync(otherHost, None))!.Rows.Keys);
        await store.Store.CommitAsync(HostKey, StateChange.Row("c2", Bytes.Of("b")), None);
        Assert.Equal(["c2"], (await store.Store.LoadAsync(HostKey, None))!.Rows.Keys);
    }

    [SkippableFact]
    public async Task A_change_that_fails_part_way_leaves_nothing_of_itself_behind()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring-1"), Rows.Of(("c1", "old"))), None);

        // The empty ident breaks the table's check constraint only after the snapshot and two rows were written.
        var failing = new StateChange(Parts.Ring("ring-2"), Rows.Of(("c1", "new"), ("c2", "b"), ("", "bad")));
        await Assert.ThrowsAnyAsync<Exception>(() => store.Store.CommitAsync(HostKey, failing, None));

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal("ring-1", Bytes.Text(state!.Parts["ring"]));
        Assert.Equal(["c1"], state.Rows.Keys);
        Assert.Equal("old", Bytes.Text(state.Rows["c1"]));
    }

    [SkippableFact]
    public async Task A_change_cancelled_part_way_leaves_nothing_of_itself_behind()
    {
        await using var store = AsDisposable(OpenStore());
        await store.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring-1"), Rows.Of(("c1", "old"))), None);
        using var cancel = new CancellationTokenSource();
        var rows = Rows.Of(("c1", "new"), ("c2", "b"), ("c3", "c"), ("c4", "d"));

        var change = new StateChange(Parts.Ring("ring-2"), new CancelWhileEnumerating(rows, cancelAfter: 2, cancel));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Store.CommitAsync(HostKey, change, cancel.Token));

        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal("ring-1", Bytes.Text(state!.Parts["ring"]));
        Assert.Equal(["c1"], state.Rows.Keys);
        Assert.Equal("old", Bytes.Text(state.Rows["c1"]));
    }

    [SkippableFact]
    public async Task Concurrent_commits_share_transactions_under_group_commit()
    {
        var raw = OpenStore();
        await using var store = AsDisposable(new GroupCommitStore(raw));
        await store.Store.CommitAsync(HostKey, StateChange.Part("ring", Bytes.Of("ring")), None);
        var counter = (ICountsTransactions)raw;
        var before = counter.CommittedTransactions;

        var commits = Enumerable.Range(0, 200)
            .Select(i => store.Store.CommitAsync(HostKey, StateChange.Row($"c{i:D3}", Bytes.Of($"10.32.0.{i}")), None))
            .ToArray();
        await Task.WhenAll(commits);

        var transactions = counter.CommittedTransactions - before;
        Assert.InRange(transactions, 1, 20);
        var state = await store.Store.LoadAsync(HostKey, None);
        Assert.Equal(200, state!.Rows.Count);
        Assert.Equal("10.32.0.199", Bytes.Text(state.Rows["c199"]));
    }

    [SkippableFact]
    public async Task What_was_committed_is_there_after_reopening()
    {
        await using (var first = AsDisposable(OpenStore()))
        {
            await first.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring-1"), Rows.Of(("c1", "a"), ("c2", "b"))), None);
            await first.Store.CommitAsync(HostKey, new StateChange(Parts.Ring("ring-2"), Rows.Of(("c2", null), ("c3", "c"))), None);
        }

        await using var second = AsDisposable(OpenStore());
        var state = await second.Store.LoadAsync(HostKey, None);

        Assert.Equal("ring-2", Bytes.Text(state!.Parts["ring"]));
        Assert.Equal(["c1", "c3"], state.Rows.Keys.Order());
    }

    private static Owned AsDisposable(IAllocatorStore store) => new(store);

    /// <summary>Disposes the store when the test is done with it, whatever its concrete type.</summary>
    protected sealed class Owned(IAllocatorStore store) : IAsyncDisposable
    {
        public IAllocatorStore Store { get; } = store;

        public ValueTask DisposeAsync() => Store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
    }
}
