using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WeaveOrleans.Network;

namespace WeaveOrleans.Docker;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Docker bridge (a hosted service), <see cref="DockerStatus"/> and <see cref="DockerContainers"/>.
    /// The host must also register an <c>IHostAllocatorAccessor</c>.
    /// </summary>
    public static IServiceCollection AddWeaveDocker(this IServiceCollection services, Action<DockerBridgeOptions>? configure = null)
    {
        var options = new DockerBridgeOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton<DockerStatus>();
        services.TryAddSingleton<WeaveOrleans.Grains.IDockerStatusSource>(sp => sp.GetRequiredService<DockerStatus>());
        services.TryAddSingleton<DockerContainers>();
        services.AddHostedService<DockerBridge>();
        return services;
    }

    /// <summary>
    /// Registers <see cref="AddressReclaim"/>: the addresses in use on <paramref name="bridge"/> and its containers,
    /// which the allocator claims before it serves anything. Uses Docker when <see cref="AddWeaveDocker"/> was called first.
    /// </summary>
    public static IServiceCollection AddWeaveAddressReclaim(this IServiceCollection services, string bridge)
    {
        services.TryAddSingleton(new AddressReclaimOptions { Bridge = bridge });
        services.TryAddSingleton(new NetworkInspector());
        services.TryAddSingleton(sp => new AddressReclaim(
            sp.GetRequiredService<AddressReclaimOptions>(),
            sp.GetRequiredService<NetworkInspector>(),
            sp.GetService<DockerContainers>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AddressReclaim>>()));
        services.TryAddSingleton<WeaveOrleans.Grains.IExistingAddressSource>(sp => sp.GetRequiredService<AddressReclaim>());
        services.AddHostedService(sp => sp.GetRequiredService<AddressReclaim>());
        return services;
    }
}
