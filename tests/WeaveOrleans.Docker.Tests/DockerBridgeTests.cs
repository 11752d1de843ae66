using Docker.DotNet;
using Docker.DotNet.Models;
using WeaveOrleans.Docker.Tests.Support;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Docker.Tests;

/// <summary>The bridge against the private daemon in WEAVE_TEST_DOCKER (skipped when unset).</summary>
public class DockerBridgeTests
{
    private static DockerBridge NewBridge(FakeAllocator fake, DockerStatus status, string endpoint) =>
        new(fake, status, new DockerBridgeOptions { Endpoint = endpoint }, new CollectingLogger<DockerBridge>());

    [SkippableFact]
    public async Task Start_kill_and_remove_reach_the_allocator_in_order()
    {
        var endpoint = TestDocker.Require();
        var fake = new FakeAllocator();
        var status = new DockerStatus();
        using var bridge = NewBridge(fake, status, endpoint);
        using var containers = new DockerContainers(new DockerBridgeOptions { Endpoint = endpoint });
        using var client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
        await bridge.StartAsync(CancellationToken.None);
        string? id = null;
        try
        {
            await Eventually.True(() => status.State == DockerState.Connected, "connected");
            await Eventually.True(() => fake.Prunes.Count == 1, "prune at start-up");

            var c = await containers.Run(TestDocker.Image, ["sleep", "600"], name: $"wo-events-{Guid.NewGuid():N}");
            id = c.Id;
            Assert.True(c.Running);
            Assert.True(c.Pid > 0);
            await Eventually.True(() => fake.Saw("ContainerStarted", c.Id), "ContainerStarted");

            await client.Containers.KillContainerAsync(c.Id, new ContainerKillParameters { Signal = "KILL" });
            await Eventually.True(() => fake.Saw("ContainerDied", c.Id), "ContainerDied");

            await client.Containers.RemoveContainerAsync(c.Id, new ContainerRemoveParameters { Force = true });
            id = null;
            await Eventually.True(() => fake.Saw("ContainerDestroyed", c.Id), "ContainerDestroyed");

            Assert.Equal(["ContainerStarted", "ContainerDied", "ContainerDestroyed"], fake.CallsFor(c.Id));
            Assert.True(status.EventsSeen >= 3);
            Assert.Contains("connected", status.Describe());
        }
        finally
        {
            await bridge.StopAsync(CancellationToken.None);
            if (id is not null) await containers.Remove(id);
        }
    }

    [SkippableFact]
    public async Task A_failing_grain_does_not_cost_the_event_stream()
    {
        var endpoint = TestDocker.Require();
        var fake = new FakeAllocator { Fail = true };
        var status = new DockerStatus();
        using var bridge = NewBridge(fake, status, endpoint);
        using var containers = new DockerContainers(new DockerBridgeOptions { Endpoint = endpoint });
        await bridge.StartAsync(CancellationToken.None);
        var ids = new List<string>();
        try
        {
            await Eventually.True(() => status.State == DockerState.Connected, "connected");
            var first = await containers.Run(TestDocker.Image, ["sleep", "600"]);
            ids.Add(first.Id);
            await Eventually.True(() => fake.Saw("ContainerStarted", first.Id), "first start");
            var second = await containers.Run(TestDocker.Image, ["sleep", "600"]);
            ids.Add(second.Id);
            await Eventually.True(() => fake.Saw("ContainerStarted", second.Id), "second start after a failure");
            Assert.Equal(DockerState.Connected, status.State);
            Assert.Equal(1, status.Snapshot().Connections);
            Assert.True(status.Snapshot().GrainCallFailures >= 2);
        }
        finally
        {
            await bridge.StopAsync(CancellationToken.None);
            foreach (var id in ids) await containers.Remove(id);
        }
    }

    [SkippableFact]
    public async Task Containers_removed_while_the_bridge_was_down_are_pruned_at_start()
    {
        var endpoint = TestDocker.Require();
        using var containers = new DockerContainers(new DockerBridgeOptions { Endpoint = endpoint });
        var gone = await containers.Run(TestDocker.Image, ["sleep", "600"]);
        var stays = await containers.Run(TestDocker.Image, ["sleep", "600"]);
        try
        {
            var first = new FakeAllocator();
            var firstStatus = new DockerStatus();
            using (var bridge = NewBridge(first, firstStatus, endpoint))
            {
                await bridge.StartAsync(CancellationToken.None);
                await Eventually.True(() => first.Prunes.Count == 1, "first prune");
                Assert.Contains(gone.Id, first.Prunes[0]);
                Assert.Contains(stays.Id, first.Prunes[0]);
                await bridge.StopAsync(CancellationToken.None);
            }

            // Removed while nobody watches: no event will ever tell the allocator.
            Assert.True(await containers.Remove(gone.Id));

            var second = new FakeAllocator();
            var secondStatus = new DockerStatus();
            using (var bridge = NewBridge(second, secondStatus, endpoint))
            {
                await bridge.StartAsync(CancellationToken.None);
                await Eventually.True(() => second.Prunes.Count == 1, "second prune");
                Assert.DoesNotContain(gone.Id, second.Prunes[0]);
                Assert.Contains(stays.Id, second.Prunes[0]);
                Assert.Empty(second.CallsFor(gone.Id));
                await bridge.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            await containers.Remove(gone.Id);
            await containers.Remove(stays.Id);
        }
    }

    [SkippableFact]
    public async Task Resolve_finds_containers_by_name_and_id()
    {
        var endpoint = TestDocker.Require();
        using var containers = new DockerContainers(new DockerBridgeOptions { Endpoint = endpoint });
        var name = $"wo-resolve-{Guid.NewGuid():N}";
        var c = await containers.Run(TestDocker.Image, ["sleep", "600"], name: name);
        try
        {
            var byName = await containers.Resolve(name);
            Assert.Equal(c with { }, byName);
            var byPrefix = await containers.Resolve(c.Id[..12]);
            Assert.Equal(c.Id, byPrefix!.Id);
            Assert.Equal(name, byPrefix.Name);
            Assert.Contains(c.Id, await containers.RunningIds());
            Assert.Null(await containers.Resolve($"wo-missing-{Guid.NewGuid():N}"));

            using var client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
            var inspect = await client.Containers.InspectContainerAsync(c.Id);
            Assert.Equal("none", inspect.HostConfig.NetworkMode);
        }
        finally
        {
            await containers.Remove(c.Id);
        }
        Assert.False(await containers.Remove(c.Id));
    }
}
