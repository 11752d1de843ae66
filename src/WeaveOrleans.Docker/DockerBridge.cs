using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Grains;

namespace WeaveOrleans.Docker;

/// <summary>
/// Feeds Docker's container events to this host's allocator grain: start → ContainerStarted,
/// die → ContainerDied, destroy (podman: remove) → ContainerDestroyed. After every (re)subscription
/// it lists the running containers and calls PruneOwned, so addresses of containers that went away
/// while nobody was watching are released and containers Docker restarted meanwhile (their start event
/// lost with the stream) no longer count as dead. When Docker is missing or goes away the service keeps
/// retrying with back-off; it never stops the host.
/// </summary>
public sealed class DockerBridge : BackgroundService
{
    private readonly IHostAllocatorAccessor _allocator;
    private readonly DockerStatus _status;
    private readonly DockerBridgeOptions _options;
    private readonly ILogger<DockerBridge> _logger;
    private readonly TimeProvider _time;

    public DockerBridge(IHostAllocatorAccessor allocator, DockerStatus status, DockerBridgeOptions options, ILogger<DockerBridge> logger)
        : this(allocator, status, options, logger, TimeProvider.System)
    {
    }

    public DockerBridge(IHostAllocatorAccessor allocator, DockerStatus status, DockerBridgeOptions options, ILogger<DockerBridge> logger, TimeProvider time)
    {
        _allocator = allocator;
        _status = status;
        _options = options;
        _logger = logger;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting; everything below runs in the background.
        await Task.Yield();

        var endpoint = _options.ResolveEndpoint();
        _status.SetEndpoint(endpoint);
        Uri uri;
        try
        {
            uri = _options.ResolveEndpointUri();
        }
        catch (ArgumentException e)
        {
            _status.SetAbsent(e.Message, _time.GetUtcNow());
            _logger.LogError("Docker bridge disabled: {Error}", e.Message);
            return;
        }

        using var configuration = new DockerClientConfiguration(uri);
        using var client = configuration.CreateClient();
        var delay = _options.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            var subscribed = false;
            string failure;
            try
            {
                await FollowEvents(client, endpoint, () => subscribed = true, stoppingToken);
                failure = "the event stream ended";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failure = Describe(e);
            }

            if (subscribed)
                delay = _options.InitialBackoff;
            if (_status.SetAbsent(failure, _time.GetUtcNow()))
                _logger.LogWarning("Docker at {Endpoint} is not available ({Error}); retrying in the background", endpoint, failure);
            else
                _logger.LogDebug("Docker at {Endpoint} still not available ({Error}); next try in {Delay}", endpoint, failure, delay);

            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = _options.NextBackoff(delay);
        }
    }

    private async Task FollowEvents(DockerClient client, string endpoint, Action onSubscribed, CancellationToken cancellation)
    {
        var version = await client.System.GetVersionAsync(cancellation);

        // Subscribe before listing: whatever happens between the listing and the first event read is
        // still in the stream, so no start/die/destroy falls between the two.
        var parameters = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
            },
        };
        // The raw-stream overload is marked obsolete in favour of the IProgress one, but only the stream tells
        // when the subscription is in place (response headers received), which the ordering above needs,
        // and reading it ourselves keeps events in order and applies back-pressure to the daemon.
#pragma warning disable CS0618
        await using var stream = await client.System.MonitorEventsAsync(parameters, cancellation);
#pragma warning restore CS0618
        onSubscribed();
        using var closeOnCancel = cancellation.Register(static s => ((Stream)s!).Dispose(), stream);

        var running = await client.Containers.ListContainersAsync(new ContainersListParameters { All = false }, cancellation);
        if (_status.SetConnected(version.Version, _time.GetUtcNow()))
            _logger.LogInformation("Connected to Docker {Version} at {Endpoint}", version.Version, endpoint);

        var runningIds = running.Select(c => c.ID).ToArray();
        try
        {
            var released = await _allocator.Grain.PruneOwned(runningIds);
            if (released > 0)
                _logger.LogInformation("Released the addresses of {Count} containers that are no longer running", released);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            _status.CountGrainFailure();
            _status.RecordError("PruneOwned failed: " + e.Message);
            _logger.LogWarning(e, "PruneOwned with {Count} running containers failed; it runs again after the next reconnect", runningIds.Length);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            if (ContainerEvent.Parse(line) is not { } ev)
                continue;
            _status.CountEvent();
            await Deliver(ev, cancellation);
        }
    }

    private async Task Deliver(ContainerEvent ev, CancellationToken cancellation)
    {
        try
        {
            var grain = _allocator.Grain;
            switch (ev.Kind)
            {
                case ContainerEventKind.Started:
                    await grain.ContainerStarted(ev.ContainerId);
                    break;
                case ContainerEventKind.Died:
                    await grain.ContainerDied(ev.ContainerId);
                    break;
                case ContainerEventKind.Destroyed:
                    await grain.ContainerDestroyed(ev.ContainerId);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // The grain is the allocator's business; one failed notification must not cost the stream.
            _status.CountGrainFailure();
            _status.RecordError($"{ev.Kind} {ShortId(ev.ContainerId)} failed: {e.Message}");
            _logger.LogWarning(e, "Passing container event {Kind} {Id} to the allocator failed", ev.Kind, ShortId(ev.ContainerId));
        }
    }

    private static string ShortId(string id) => id.Length > 12 ? id[..12] : id;

    private static string Describe(Exception e)
    {
        // Unwrap to the most telling message (socket errors hide under HttpRequestException).
        var inner = e;
        while (inner.InnerException is not null && inner is HttpRequestException or AggregateException)
            inner = inner.InnerException;
        return inner == e ? $"{e.GetType().Name}: {e.Message}" : $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})";
    }
}
