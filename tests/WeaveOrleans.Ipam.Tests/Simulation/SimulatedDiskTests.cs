using WeaveOrleans.Simulation;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Ipam.Tests.Simulation;

public class SimulatedDiskTests
{
    private const string Host = "h";

    private static StateChange Row(string ident, byte value) => StateChange.Row(ident, [value]);

    private static SimulatedDisk Latent(DiskFaults? faults = null) =>
        new(new Random(1)) { Faults = faults ?? new DiskFaults { Latent = true } };

    [Fact]
    public async Task A_write_in_flight_is_durable_only_once_synced()
    {
        var disk = Latent();
        var write = disk.For(Host).CommitAsync(Host, Row("a", 1), CancellationToken.None);
        Assert.False(write.IsCompleted);
        Assert.Null(disk.Peek(Host));

        Assert.True(disk.SyncOne());
        await write;
        Assert.Equal([1], disk.Peek(Host)!.Rows["a"]);
    }

    [Theory]
    [InlineData(1.0, 0.0, "storage write torn at crash")]
    [InlineData(0.0, 0.0, "storage batch lost at crash")]
    public async Task A_crash_takes_back_the_write_in_flight_whether_lost_or_torn(double tear, double land, string fault)
    {
        var disk = Latent(new DiskFaults { Latent = true, TearAtCrash = tear, LandAtCrash = land });
        var store = disk.For(Host);
        var first = store.CommitAsync(Host, Row("a", 1), CancellationToken.None);
        disk.SyncOne();
        await first;
        _ = store.CommitAsync(Host, Row("b", 2), CancellationToken.None);

        disk.Crash(Host);
        var loaded = await disk.For(Host).LoadAsync(Host, CancellationToken.None);
        Assert.Equal(["a"], loaded!.Rows.Keys);
        Assert.Equal(1, disk.Injected[fault]);
        if (tear > 0)
            Assert.Equal(1, disk.Injected["storage torn write cut off at load"]);
    }

    [Fact]
    public async Task A_write_that_landed_before_the_crash_is_loaded()
    {
        var disk = Latent(new DiskFaults { Latent = true, LandAtCrash = 1 });
        _ = disk.For(Host).CommitAsync(Host, Row("a", 1), CancellationToken.None);
        disk.Crash(Host);
        Assert.Equal([1], (await disk.For(Host).LoadAsync(Host, CancellationToken.None))!.Rows["a"]);
    }

    [Fact]
    public async Task After_a_failed_write_the_disk_refuses_writes_until_repaired()
    {
        var disk = new SimulatedDisk(new Random(1)) { Faults = new DiskFaults { FailWrite = 1 } };
        var store = disk.For(Host);
        await Assert.ThrowsAsync<IOException>(() => store.CommitAsync(Host, Row("a", 1), CancellationToken.None));
        disk.Faults = DiskFaults.None;
        await Assert.ThrowsAsync<IOException>(() => store.CommitAsync(Host, Row("b", 2), CancellationToken.None));

        disk.Repair(Host);
        await store.CommitAsync(Host, Row("c", 3), CancellationToken.None);
        Assert.Equal(["c"], disk.Peek(Host)!.Rows.Keys);
    }

    [Fact]
    public async Task A_load_compacts_the_journal_without_changing_what_it_holds()
    {
        var disk = new SimulatedDisk(new Random(1));
        var store = disk.For(Host);
        await store.CommitAsync(Host, new StateChange(new Dictionary<string, byte[]?> { ["header"] = [9], ["entry/1"] = [8] }, new Dictionary<string, byte[]?> { ["a"] = [1], ["b"] = [2] }, ReplacesSnapshot: true), CancellationToken.None);
        await store.CommitAsync(Host, Row("a", 3), CancellationToken.None);
        await store.CommitAsync(Host, StateChange.Row("b", null), CancellationToken.None);
        await store.CommitAsync(Host, StateChange.Part("entry/1", null), CancellationToken.None);

        var first = await store.LoadAsync(Host, CancellationToken.None);
        var second = await store.LoadAsync(Host, CancellationToken.None);
        foreach (var loaded in new[] { first!, second! })
        {
            Assert.Equal(["header"], loaded.Parts.Keys);
            Assert.Equal([9], loaded.Parts["header"]);
            Assert.Equal(["a"], loaded.Rows.Keys);
            Assert.Equal([3], loaded.Rows["a"]);
        }
    }
}
