using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Pools;
using WeaveOrleans.Storage;
using WeaveOrleans.Storage.Sqlite;

namespace WeaveOrleans.Host.Tests;

/// <summary>A data directory from before pools (state stored under the peer name alone) loads, and is moved to the pool's key.</summary>
public sealed class PoolKeyMigrationTests
{
    [Fact]
    public async Task A_data_directory_of_the_format_before_pools_keeps_its_allocations()
    {
        await using var net = new TestNetwork();
        var host = await net.StartAsync("pk", "10.65.0.0/24", "consensus=1");
        var address = await host.AllocateAsync("c1");
        Assert.True((await host.Grain.Claim("c2", Cidr.Parse("10.65.0.200/24"), true, false)).IsOk);
        await host.StopAsync();

        // Put the state back where an earlier release kept it: under the peer name, with nothing under the pool's key.
        var legacy = AllocatorKey.Legacy(host.Name);
        var current = AllocatorKey.For(PoolId.Default, host.Name);
        var storeDir = Path.Combine(host.DataDir, Contract.DataDirectoryLayout.AllocatorStoreDirectoryName);
        await using (var store = new SqliteAllocatorStore(storeDir))
        {
            Assert.True(await StoreKeyMigration.MoveAsync(store, current, legacy, CancellationToken.None));
            Assert.Null(await store.LoadAsync(current, CancellationToken.None));
            Assert.NotNull(await store.LoadAsync(legacy, CancellationToken.None));
        }

        var again = await net.StartAsync("pk", "10.65.0.0/24", "consensus=1");
        Assert.Equal([address], (await again.Grain.Lookup("c1", null)).Select(c => c.ToString()));
        Assert.Equal(["10.65.0.200/24"], (await again.Grain.Lookup("c2", null)).Select(c => c.ToString()));
        Assert.NotEqual(address, await again.AllocateAsync("c3"));
        await again.StopAsync();

        await using (var store = new SqliteAllocatorStore(storeDir))
        {
            Assert.Null(await store.LoadAsync(legacy, CancellationToken.None));
            Assert.Equal(3, (await store.LoadAsync(current, CancellationToken.None))!.Rows.Count);
        }
    }

    /// <summary>
    /// The host-identity grain state of a peer that ran before pools stays under its old grain key: the
    /// migrated peer starts with a fresh identity record. Nothing decides on that record (it only logs a
    /// range change and keeps start times for operators): a relaunch with another range is still caught,
    /// by the snapshot the state migration carried, and its data dropped.
    /// </summary>
    [Fact]
    public async Task A_peer_migrated_from_before_pools_still_drops_its_data_when_relaunched_with_another_range()
    {
        await using var net = new TestNetwork();
        var host = await net.StartAsync("pr", "10.67.0.0/24", "consensus=1");
        await host.AllocateAsync("c1");
        await host.StopAsync();
        var storeDir = Path.Combine(host.DataDir, Contract.DataDirectoryLayout.AllocatorStoreDirectoryName);
        await using (var store = new SqliteAllocatorStore(storeDir))
            Assert.True(await StoreKeyMigration.MoveAsync(store, AllocatorKey.For(PoolId.Default, host.Name), AllocatorKey.Legacy(host.Name), CancellationToken.None));

        var again = await net.StartAsync("pr", "10.68.0.0/24", "consensus=1");
        Assert.Empty(await again.Grain.Lookup("c1", null));
        Assert.StartsWith("10.68.0.", await again.AllocateAsync("c2"), StringComparison.Ordinal);
        await again.StopAsync();
    }
}
