using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;
using WeaveOrleans.Gossip;
using WeaveOrleans.Grains;
using WeaveOrleans.Host.Gossip;
using WeaveOrleans.Storage.Hosting;

namespace WeaveOrleans.Host;

/// <summary>Everything one host's silo needs besides clustering: storage, the allocator's dependencies and RingGossip.</summary>
public static class WeaveSiloBuilderExtensions
{
    /// <summary>
    /// Registers the host's options, its storage (AddWeaveStorage), RingGossip over the transport made
    /// by <paramref name="transport"/> (also the grain's <see cref="IPeerMessenger"/>), the gossip
    /// counters and an <see cref="IHostAllocatorAccessor"/>.
    /// </summary>
    public static ISiloBuilder AddWeaveHost(this ISiloBuilder silo, HostOptions options, Func<IServiceProvider, IPeerTransport> transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        silo.AddWeaveStorage(new StorageOptions
        {
            Provider = options.StorageProvider,
            DataDirectory = options.DataDirectory,
            PostgresConnectionString = options.StorageConnection,
        });
        var services = silo.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GossipStats>();
        services.AddSingleton(transport);
        services.AddSingleton<RingGossip>();
        services.AddSingleton<IPeerMessenger>(sp => sp.GetRequiredService<RingGossip>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RingGossip>());
        services.AddSingleton<IHostAllocatorAccessor, HostAllocatorAccessor>();
        // Before the grain can load anything: a data directory relaunched under another --name drops the old peer's state.
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PreviousPeerData>();
        return silo;
    }
}

/// <summary>This host's allocator grain, resolved once.</summary>
public sealed class HostAllocatorAccessor(IGrainFactory grains, HostOptions options) : IHostAllocatorAccessor
{
    public IHostAllocatorGrain Grain { get; } = grains.GetGrain<IHostAllocatorGrain>(options.HostKey);
}
