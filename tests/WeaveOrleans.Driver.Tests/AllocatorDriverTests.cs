using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver.Tests;

public sealed class AllocatorDriverTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_allocation_is_answered_only_once_its_row_is_durable()
    {
        var f = new DriverFixture();
        f.Store.Immediate = true;
        await f.Driver.Flush(); // the ring made at start
        f.Store.Immediate = false;

        var answer = f.Allocate("c1");
        var (change, _) = Assert.Single(f.Store.Commits.Skip(1));
        Assert.True(change.Rows.ContainsKey("c1"), "the allocation's row is in the commit");
        Assert.False(answer.IsCompleted, "answered before the commit was durable");

        f.Store.Complete(1);
        var ok = Assert.IsType<Outcome.Ok>(await answer.WaitAsync(Deadline));
        Assert.Equal(ok.Address!.Value, OwnedCodec.Decode(change.Rows["c1"]).Cidrs.Single());
    }

    [Fact]
    public async Task Messages_go_out_only_once_the_state_they_reflect_is_durable()
    {
        var f = new DriverFixture(new InitMode.BySeed([DriverFixture.Self, DriverFixture.Other]));
        var connected = f.Driver.PeerConnected(DriverFixture.Other, TimeSpan.Zero);
        Assert.NotEmpty(f.Store.Commits);
        Assert.Empty(f.Sent);

        foreach (var i in Enumerable.Range(0, f.Store.Commits.Count))
            f.Store.Complete(i);
        await connected.WaitAsync(Deadline);
        Assert.Contains(f.Sent, s => s.To == DriverFixture.Other);
    }

    [Fact]
    public async Task A_later_commit_that_finishes_first_waits_for_the_earlier_one()
    {
        // No context: every continuation runs inline, so what a completion releases is visible at once.
        SynchronizationContext.SetSynchronizationContext(null);
        var f = new DriverFixture();
        f.Store.Immediate = true;
        _ = f.Driver.Flush();
        f.Store.Immediate = false;

        var first = f.Begin("c1");
        var second = f.Begin("c2");
        f.Store.Complete(2);
        Assert.False(second.IsCompleted, "the second answer overtook the first commit");

        f.Store.Complete(1);
        Assert.True(first.IsCompletedSuccessfully && second.IsCompletedSuccessfully, "both answered once both commits are durable");
        Assert.IsType<Outcome.Ok>(await first);
        Assert.IsType<Outcome.Ok>(await second);
    }

    [Fact]
    public async Task A_failed_commit_latches_answers_errors_and_writes_nothing_more()
    {
        var f = new DriverFixture();
        f.Store.Immediate = true;
        await f.Driver.Flush();
        f.Store.Immediate = false;

        var first = f.Allocate("c1");
        f.Store.Fail(1, "disk full");
        var failed = Assert.IsType<Outcome.Failed>(await first.WaitAsync(Deadline));
        Assert.Equal("could not persist the change: disk full", failed.Message);
        Assert.Equal("disk full", Assert.Single(f.Failures).Message);
        Assert.Equal("disk full", f.Driver.StorageFailure?.Message);

        var commitsBefore = f.Store.Commits.Count;
        var second = Assert.IsType<Outcome.Failed>(await f.Allocate("c2").WaitAsync(Deadline));
        Assert.StartsWith("could not persist the change", second.Message);
        Assert.Equal(commitsBefore, f.Store.Commits.Count);
        Assert.Empty(f.Sent);
    }

    [Fact]
    public async Task A_cancelled_request_is_withdrawn_from_the_engine()
    {
        // Alone with a quorum of two: no ring, so the allocation waits.
        var f = new DriverFixture(new InitMode.ByConsensus(2));
        f.Store.Immediate = true;
        using var cancel = new CancellationTokenSource();
        var answer = f.Allocate("c1", cancel.Token);
        Assert.False(answer.IsCompleted);
        Assert.NotEmpty(f.Driver.Engine.Status().PendingAllocates);

        await cancel.CancelAsync();
        Assert.IsType<Outcome.Cancelled>(await answer.WaitAsync(Deadline));
        Assert.Empty(f.Driver.Engine.Status().PendingAllocates);
    }

    [Fact]
    public async Task Shutdown_persists_the_hand_over_then_deletes_and_writes_nothing_after()
    {
        var f = new DriverFixture();
        f.Store.Immediate = true;
        await f.Driver.Flush();

        var (outcome, heir) = await f.Driver.Shutdown(TimeSpan.Zero).WaitAsync(Deadline);
        Assert.Equal(PeerName.None, heir);
        Assert.Equal(PeerName.None, Assert.IsType<Outcome.Ok>(outcome).Heir);
        Assert.Equal(1, f.Store.Deletes);

        var commits = f.Store.Commits.Count;
        await f.Driver.Tick(TimeSpan.FromMinutes(1));
        await f.Driver.Command((e, id) => e.Delete(id, "anything"));
        Assert.Equal(commits, f.Store.Commits.Count);
        // Shut down already: done, and no heir this time.
        Assert.Null(Assert.IsType<Outcome.Ok>((await f.Driver.Shutdown(TimeSpan.Zero)).Outcome).Heir);
    }

    [Fact]
    public async Task Start_decodes_what_was_persisted()
    {
        var f = new DriverFixture();
        f.Store.Immediate = true;
        var ok = Assert.IsType<Outcome.Ok>(await f.Allocate("c1").WaitAsync(Deadline));

        var store = new ScriptedStore { Loaded = Durable(f.Store) };
        var restarted = await AllocatorDriver.StartAsync(
            store, DriverFixture.Self.ToString(),
            stored => Allocator.Restore(f.Config, DriverFixture.Self, "self", new Random(1), stored.Snapshot, stored.Rows),
            new DriverOutputs((_, _, _) => { }, _ => { }), CancellationToken.None);
        Assert.Equal(1, restarted.RestoredIdents);
        Assert.Equal([ok.Address!.Value], restarted.Engine.Lookup("c1", null));
    }

    [Fact]
    public async Task A_host_that_starts_with_nothing_persists_a_snapshot_before_its_first_row()
    {
        // Found by the simulator (seed 7742): a new observer's first durable change was a claim outside
        // the range, a row with no snapshot beside it, which the next start discarded as "No valid
        // persisted data": an acknowledged claim lost.
        var config = new AllocatorConfig(Ipam.Addresses.Cidr.ParseSubnet("10.9.0.0/24"), new InitMode.AsObserver());
        var store = new ScriptedStore { Immediate = true };
        var outputs = new DriverOutputs((_, _, _) => { }, _ => { });
        Allocator Restore(StoredAllocator stored) =>
            Allocator.Restore(config, DriverFixture.Self, "self", new Random(1), stored.Snapshot, stored.Rows);
        var driver = await AllocatorDriver.StartAsync(store, "h", Restore, outputs, CancellationToken.None);

        var claimed = await driver.Request(
            id => driver.Engine.Claim(id, "c1", Ipam.Addresses.Cidr.Parse("192.168.1.5/24"), true, false, TimeSpan.Zero),
            CancellationToken.None).WaitAsync(Deadline);
        Assert.IsType<Outcome.Ok>(claimed);

        var restarted = await AllocatorDriver.StartAsync(
            new ScriptedStore { Loaded = Durable(store) }, "h", Restore, outputs, CancellationToken.None);
        Assert.Equal([Ipam.Addresses.Cidr.Parse("192.168.1.5/24")], restarted.Engine.Lookup("c1", null));
    }

    [Fact]
    public void A_message_that_does_not_decode_is_refused_with_why()
    {
        var f = new DriverFixture();
        Assert.False(f.Driver.Receive(DriverFixture.Other, [1, 2, 3], TimeSpan.Zero, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public async Task A_snapshot_stored_whole_by_an_earlier_release_loads_and_the_first_flush_stores_it_in_parts()
    {
        var f = new DriverFixture();
        f.Store.Immediate = true;
        Assert.IsType<Outcome.Ok>(await f.Allocate("c1").WaitAsync(Deadline));
        var before = f.Driver.Engine.Snapshot();
        var durable = Durable(f.Store);
        var releaseBefore = new StoredState(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { [StoredState.WholeSnapshotPart] = SnapshotCodec.Encode(before) },
            durable.Rows);

        var store = new ScriptedStore { Loaded = releaseBefore, Immediate = true };
        var restarted = await AllocatorDriver.StartAsync(
            store, DriverFixture.Self.ToString(),
            stored => Allocator.Restore(f.Config, DriverFixture.Self, "self", new Random(1), stored.Snapshot, stored.Rows),
            new DriverOutputs((_, _, _) => { }, _ => { }), CancellationToken.None);
        Assert.Equal(SnapshotCodec.Encode(before), SnapshotCodec.Encode(restarted.Engine.Snapshot()));
        await restarted.Tick(TimeSpan.FromSeconds(1));

        var migration = Assert.Single(store.Commits).Change;
        Assert.True(migration.ReplacesSnapshot);
        Assert.DoesNotContain(StoredState.WholeSnapshotPart, migration.Parts.Keys);
        Assert.Contains("header", migration.Parts.Keys);
        var migrated = Durable(store);
        Assert.DoesNotContain(StoredState.WholeSnapshotPart, migrated.Parts.Keys);
        var reloaded = StoredAllocator.Decode(migrated);
        Assert.Equal(SnapshotCodec.Encode(restarted.Engine.Snapshot()), SnapshotCodec.Encode(reloaded.Snapshot!));
        Assert.Equal(["c1"], reloaded.Rows.Keys);
    }

    [Fact]
    public void A_snapshot_stored_both_whole_and_in_parts_is_refused()
    {
        var both = new StoredState(
            new Dictionary<string, byte[]>(StringComparer.Ordinal) { [StoredState.WholeSnapshotPart] = [1], ["header"] = [2] },
            new Dictionary<string, byte[]>(StringComparer.Ordinal));
        Assert.Throws<InvalidDataException>(() => StoredAllocator.Decode(both));
    }

    /// <summary>What the store held at start with the commits applied in order: what a restart would load.</summary>
    private static StoredState Durable(ScriptedStore store)
    {
        var parts = new Dictionary<string, byte[]>(store.Loaded?.Parts ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal);
        var rows = new Dictionary<string, byte[]>(store.Loaded?.Rows ?? new Dictionary<string, byte[]>(), StringComparer.Ordinal);
        foreach (var (change, _) in store.Commits)
            change.ApplyTo(parts, rows);
        return new StoredState(parts, rows);
    }
}
