namespace WeaveOrleans.Grains;

/// <summary>
/// Hands out this host's <see cref="IHostAllocatorGrain"/>. Front ends (HTTP API, Docker events, CLI
/// bridge) take it from dependency injection so they need not know the host's peer name or how the
/// grain reference is obtained.
/// </summary>
public interface IHostAllocatorAccessor
{
    IHostAllocatorGrain Grain { get; }
}
