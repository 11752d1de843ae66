using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WeaveOrleans.Docker;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Docker bridge (a hosted service), <see cref="DockerStatus"/>, <see cref="DockerContainers"/>
    /// and <see cref="NetworkAttacher"/>. The host must also register an <c>IHostAllocatorAccessor</c>.
    /// </summary>
    public static IServiceCollection AddWeaveDocker(this IServiceCollection services, Action<DockerBridgeOptions>? configure = null)
    {
        var options = new DockerBridgeOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton<DockerStatus>();
        services.TryAddSingleton<WeaveOrleans.Grains.IDockerStatusSource>(sp => sp.GetRequiredService<DockerStatus>());
        services.TryAddSingleton<DockerContainers>();
        services.TryAddSingleton(new NetworkAttacher());
        services.AddHostedService<DockerBridge>();
        return services;
    }
}
