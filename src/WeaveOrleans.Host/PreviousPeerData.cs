using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WeaveOrleans.Contract;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Pools;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Host;

/// <summary>
/// A data directory launched under another peer name than it last ran as (<c>--name</c>): the previous peer's
/// persisted ring and allocations are deleted, as Weave deletes them ("Deleting persisted data for peername X").
/// The store keys state by peer name (<see cref="AllocatorKey"/>), so the new peer would never read them; kept, they would come back with a
/// stale ring if the old name were launched here again. Runs in the silo's start-up, before the allocator grain
/// can be activated; the peer name file still names the previous peer then (the daemon writes its own once it serves).
/// </summary>
internal sealed class PreviousPeerData(HostOptions options, IAllocatorStore store, ILogger<PreviousPeerData> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PreviousPeerData), ServiceLifecycleStage.ApplicationServices, DeleteIfRenamed);

    private async Task DeleteIfRenamed(CancellationToken cancellation)
    {
        var file = Path.Combine(options.DataDirectory, DataDirectoryLayout.PeerNameFileName);
        if (!File.Exists(file) || !PeerName.TryParse(File.ReadAllText(file).Trim(), out var previous, out _) || previous == options.PeerName)
            return;
        // Under the pool's key, or the bare peer name of releases before pools, if never migrated.
        var found = new List<string>();
        foreach (var key in new[] { AllocatorKey.For(PoolId.Default, previous), AllocatorKey.Legacy(previous) })
            if (await store.LoadAsync(key, cancellation) is not null)
                found.Add(key);
        if (found.Count == 0)
            return;
        logger.LogWarning("Deleting persisted data for peername {Previous}: this data directory now runs peer {Peer}", previous, options.PeerName);
        foreach (var key in found)
            await store.DeleteAsync(key, cancellation);
    }
}
