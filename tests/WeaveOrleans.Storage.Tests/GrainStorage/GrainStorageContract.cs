using Orleans.Storage;
using Orleans.TestingHost;
using WeaveOrleans.Storage.Hosting;

namespace WeaveOrleans.Storage.Tests.GrainStorage;

/// <summary>
/// Orleans' AdoNet grain storage on our schema: state survives a cluster restart, and a write based on a
/// version someone else has since replaced is refused.
/// </summary>
public abstract class GrainStorageContract
{
    protected string ServiceId { get; } = "weave-test-" + Guid.NewGuid().ToString("N")[..8];

    protected abstract StorageOptions StorageOptions();

    /// <summary>Plays another writer: bumps the stored version of every grain of this test's service.</summary>
    protected abstract Task BumpStoredVersionsAsync();

    [SkippableFact]
    public async Task State_written_before_a_restart_is_read_after_it()
    {
        var options = StorageOptions();
        var key = Guid.NewGuid();
        await using (var cluster = await StartAsync(options))
        {
            await cluster.Client.GetGrain<IProbeGrain>(key).Write("hello");
        }

        await using (var cluster = await StartAsync(options))
        {
            Assert.Equal("hello", await cluster.Client.GetGrain<IProbeGrain>(key).Read());
            await cluster.Client.GetGrain<IProbeGrain>(key).Clear();
        }

        await using (var cluster = await StartAsync(options))
        {
            Assert.Null(await cluster.Client.GetGrain<IProbeGrain>(key).Read());
        }
    }

    [SkippableFact]
    public async Task A_write_on_a_stale_version_is_refused()
    {
        var options = StorageOptions();
        await using var cluster = await StartAsync(options);
        var grain = cluster.Client.GetGrain<IProbeGrain>(Guid.NewGuid());
        await grain.Write("first");

        await BumpStoredVersionsAsync();

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Write("stale"));
    }

    [SkippableFact]
    public async Task Two_writes_in_a_row_both_land()
    {
        var options = StorageOptions();
        await using var cluster = await StartAsync(options);
        var key = Guid.NewGuid();
        await cluster.Client.GetGrain<IProbeGrain>(key).Write("one");
        await cluster.Client.GetGrain<IProbeGrain>(key).Write("two");
        await cluster.DeactivateAsync((IAddressable)cluster.Client.GetGrain<IProbeGrain>(key));

        Assert.Equal("two", await cluster.Client.GetGrain<IProbeGrain>(key).Read());
    }

    private async Task<InProcessTestCluster> StartAsync(StorageOptions options)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddWeaveStorage(options));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
