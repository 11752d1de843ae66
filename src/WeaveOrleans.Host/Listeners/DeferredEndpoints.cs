using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Primitives;

namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// Routes mapped once the daemon is serving, not before: mapping the Orleans dashboard builds and
/// gzips every one of its embedded assets (about a tenth of the daemon's start-up CPU, issue 12), which the
/// first <c>POST /ip</c> should not wait for. Until they are mapped, a request on a dashboard listener
/// waits for them (<see cref="HoldDashboardRequests"/>), so nothing sees a 404 in the gap.
/// </summary>
public sealed class DeferredEndpoints(IEndpointRouteBuilder app) : EndpointDataSource, IEndpointRouteBuilder
{
    private readonly List<EndpointDataSource> sources = [];
    private readonly TaskCompletionSource mapped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<Endpoint> endpoints = [];
    private CancellationTokenSource changed = new();

    public IServiceProvider ServiceProvider => app.ServiceProvider;

    ICollection<EndpointDataSource> IEndpointRouteBuilder.DataSources => sources;

    public IApplicationBuilder CreateApplicationBuilder() => app.CreateApplicationBuilder();

    public override IReadOnlyList<Endpoint> Endpoints => Volatile.Read(ref endpoints);

    public override IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref changed).Token);

    /// <summary>Runs <paramref name="map"/> against this builder and publishes what it mapped; once only.</summary>
    public void Map(Action<IEndpointRouteBuilder> map)
    {
        try
        {
            map(this);
            Volatile.Write(ref endpoints, [.. sources.SelectMany(s => s.Endpoints)]);
            // Routing rebuilds its matcher in this callback, before any held request is let go.
            Interlocked.Exchange(ref changed, new CancellationTokenSource()).Cancel();
            mapped.TrySetResult();
        }
        catch (Exception e)
        {
            mapped.TrySetException(e);
            throw;
        }
    }

    /// <summary>Middleware (before routing): a request on a dashboard listener waits until the deferred routes are mapped.</summary>
    public async Task HoldDashboardRequests(HttpContext context, RequestDelegate next)
    {
        if (!mapped.Task.IsCompleted
            && context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ListenerGate.ItemKey, out var item) == true
            && item is Listener listener && listener.Kinds.HasFlag(ListenerKind.Dashboard))
        {
            try
            {
                await mapped.Task.WaitAsync(context.RequestAborted);
            }
            catch (Exception) when (mapped.Task.IsFaulted)
            {
                // Logged where it was mapped; the request goes on to find no route.
            }
        }
        await next(context);
    }
}
