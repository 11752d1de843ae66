using System.Diagnostics;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Docker.Tests.Support;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Docker.Tests;

/// <summary>No Docker at all: the bridge keeps retrying quietly and stops promptly. Runs everywhere.</summary>
public class DockerAbsentTests
{
    [Fact]
    public async Task Missing_docker_is_retried_quietly_and_never_stops_the_host()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"wo-nodocker-{Guid.NewGuid():N}", "docker.sock");
        var fake = new FakeAllocator();
        var status = new DockerStatus();
        var logger = new CollectingLogger<DockerBridge>();
        var options = new DockerBridgeOptions
        {
            Endpoint = "unix://" + socket,
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        };
        using var bridge = new DockerBridge(fake, status, options, logger);
        await bridge.StartAsync(CancellationToken.None);

        await Eventually.True(() => status.State == DockerState.Absent, "status Absent");
        // Several more attempts, still one warning.
        await Eventually.True(() => logger.Entries.Count(e => e.Level == LogLevel.Debug) >= 3, "three more attempts");
        Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Empty(fake.Prunes);
        Assert.False(bridge.ExecuteTask!.IsCompleted);
        var snapshot = status.Snapshot();
        Assert.Equal("unix://" + socket, snapshot.Endpoint);
        Assert.NotNull(snapshot.LastError);
        Assert.Contains("not reachable", status.Describe());

        var clock = Stopwatch.StartNew();
        await bridge.StopAsync(CancellationToken.None);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stop took {clock.Elapsed}");
        Assert.True(bridge.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_malformed_endpoint_disables_the_bridge_without_throwing()
    {
        var status = new DockerStatus();
        using var bridge = new DockerBridge(new FakeAllocator(), status, new DockerBridgeOptions { Endpoint = "not a uri" }, new CollectingLogger<DockerBridge>());
        await bridge.StartAsync(CancellationToken.None);
        await Eventually.True(() => bridge.ExecuteTask!.IsCompleted, "bridge gives up");
        Assert.True(bridge.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(DockerState.Absent, status.State);
        await bridge.StopAsync(CancellationToken.None);
    }
}
