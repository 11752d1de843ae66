using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests;

public sealed class GroupCommitStoreTests
{
    private const string Host = "peer-a";
    private static CancellationToken None => CancellationToken.None;

    /// <summary>A group-commit store whose first write is held open, so what comes next queues behind it.</summary>
    private static async Task<(GatedMemoryStore Inner, GroupCommitStore Store, Task First)> WithAWriteInFlight()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();
        var first = store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("first")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the first write to start");
        return (inner, store, first);
    }

    [Fact]
    public async Task Changes_queued_behind_a_write_go_out_together_with_later_values_winning()
    {
        var (inner, store, first) = await WithAWriteInFlight();

        var queued = new[]
        {
            store.CommitAsync(Host, new StateChange(Parts.Ring("ring-1"), Rows.Of(("c1", "a"), ("c2", "b"))), None),
            store.CommitAsync(Host, new StateChange(Parts.None, Rows.Of(("c1", null), ("c3", "c"))), None),
            store.CommitAsync(Host, new StateChange(Parts.Ring("ring-2"), Rows.Of(("c2", "b2"))), None),
        };
        Assert.All(queued, task => Assert.False(task.IsCompleted));
        inner.Release();
        await Task.WhenAll(queued.Append(first));

        Assert.Equal(2, inner.Written.Count);
        Assert.Equal(2, store.BatchesWritten);
        var merged = inner.Written[1];
        Assert.Equal("ring-2", Bytes.Text(merged.Parts["ring"]!));
        Assert.Null(merged.Rows["c1"]);
        Assert.Equal("b2", Bytes.Text(merged.Rows["c2"]!));
        Assert.Equal("c", Bytes.Text(merged.Rows["c3"]!));
    }

    [Fact]
    public async Task A_whole_snapshot_queued_behind_part_changes_drops_them_and_later_parts_land_on_it()
    {
        var (inner, store, first) = await WithAWriteInFlight();

        var queued = new[]
        {
            store.CommitAsync(Host, new StateChange(Parts.Of(("entry/1", "e1"), ("entry/2", "e2")), Rows.Of()), None),
            store.CommitAsync(Host, new StateChange(Parts.Of(("header", "h")), Rows.Of(("c1", "a")), ReplacesSnapshot: true), None),
            store.CommitAsync(Host, new StateChange(Parts.Of(("entry/3", "e3")), Rows.Of()), None),
        };
        inner.Release();
        await Task.WhenAll(queued.Append(first));

        var merged = inner.Written[1];
        Assert.True(merged.ReplacesSnapshot);
        Assert.Equal(["entry/3", "header"], merged.Parts.Keys.Order(StringComparer.Ordinal));
        var state = await inner.LoadAsync(Host, None);
        Assert.Equal(["entry/3", "header"], state!.Parts.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_write_fails_every_caller_in_it_and_not_the_write_before()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();
        var first = store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("ok")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the first write to start");
        var sharingTheFailure = new[]
        {
            store.CommitAsync(Host, StateChange.Row("c1", Bytes.Of("ok")), None),
            store.CommitAsync(Host, StateChange.Row("fail", Bytes.Of("boom")), None),
        };
        inner.Release();

        await first;
        foreach (var task in sharingTheFailure)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
            Assert.Equal("injected failure", error.Message);
        }
        Assert.Equal(["c0"], (await store.LoadAsync(Host, None))!.Rows.Keys);
    }

    [Fact]
    public async Task Writes_queued_behind_a_failed_write_fail_with_it_and_are_not_written()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();
        var failing = store.CommitAsync(Host, StateChange.Row("fail", Bytes.Of("boom")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the failing write to start");
        var queued = new[]
        {
            store.CommitAsync(Host, StateChange.Row("c1", Bytes.Of("later")), None),
            store.DeleteAsync(Host, None),
            store.CommitAsync(Host, StateChange.Row("c2", Bytes.Of("later still")), None),
        };
        inner.Release();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        foreach (var task in queued)
            await Assert.ThrowsAsync<StorageLatchedException>(() => task);
        Assert.Equal(["commit"], inner.Log);
    }

    [Fact]
    public async Task Once_a_write_for_a_host_failed_its_later_writes_fail_until_it_loads_again()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        await store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("durable")), None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(Host, StateChange.Row("fail", Bytes.Of("boom")), None));

        var latched = await Assert.ThrowsAsync<StorageLatchedException>(() => store.CommitAsync(Host, StateChange.Row("c1", Bytes.Of("after")), None));
        Assert.Equal("injected failure", latched.InnerException!.Message);
        await Assert.ThrowsAsync<StorageLatchedException>(() => store.DeleteAsync(Host, None));
        await store.CommitAsync("peer-b", StateChange.Row("c1", Bytes.Of("other host")), None);

        // The owner restarts from what is durable, and writes again.
        Assert.Equal(["c0"], (await store.LoadAsync(Host, None))!.Rows.Keys);
        await store.CommitAsync(Host, StateChange.Row("c2", Bytes.Of("restarted")), None);
        Assert.Equal(["c0", "c2"], (await store.LoadAsync(Host, None))!.Rows.Keys.Order());
    }

    [Fact]
    public async Task A_caller_is_not_told_done_before_its_write_is()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();

        var commit = store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("x")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the write to start");

        Assert.False(commit.IsCompleted);
        inner.Release();
        await commit;
        Assert.NotNull(await inner.LoadAsync(Host, None));
    }

    [Fact]
    public async Task Cancelling_a_queued_change_withdraws_it()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();
        var first = store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("x")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the first write to start");
        using var cancel = new CancellationTokenSource();
        var withdrawn = store.CommitAsync(Host, StateChange.Row("c1", Bytes.Of("y")), cancel.Token);
        var kept = store.CommitAsync(Host, StateChange.Row("c2", Bytes.Of("z")), None);

        cancel.Cancel();
        inner.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        await Task.WhenAll(first, kept);
        Assert.Equal(["c0", "c2"], (await store.LoadAsync(Host, None))!.Rows.Keys.Order());
    }

    [Fact]
    public async Task A_delete_is_not_reordered_with_the_commits_around_it()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);
        inner.Hold();
        var first = store.CommitAsync(Host, StateChange.Row("c0", Bytes.Of("x")), None);
        await Deadline.Until(() => inner.InFlight == 1, "the first write to start");
        var before = store.CommitAsync(Host, StateChange.Row("c1", Bytes.Of("y")), None);
        var reset = store.DeleteAsync(Host, None);
        var after = store.CommitAsync(Host, StateChange.Row("c2", Bytes.Of("z")), None);

        inner.Release();
        await Task.WhenAll(first, before, reset, after);

        Assert.Equal(["commit", "commit", "delete", "commit"], inner.Log);
        Assert.Equal(["c2"], (await store.LoadAsync(Host, None))!.Rows.Keys);
    }

    [Fact]
    public async Task Hosts_are_written_independently()
    {
        var inner = new GatedMemoryStore();
        var store = new GroupCommitStore(inner);

        await Task.WhenAll(
            store.CommitAsync("peer-a", StateChange.Row("c1", Bytes.Of("a")), None),
            store.CommitAsync("peer-b", StateChange.Row("c1", Bytes.Of("b")), None));

        Assert.Equal("a", Bytes.Text((await store.LoadAsync("peer-a", None))!.Rows["c1"]));
        Assert.Equal("b", Bytes.Text((await store.LoadAsync("peer-b", None))!.Rows["c1"]));
    }
}
