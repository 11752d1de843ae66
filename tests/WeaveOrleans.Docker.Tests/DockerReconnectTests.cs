using WeaveOrleans.Docker.Tests.Support;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Docker.Tests;

/// <summary>
/// Stops and restarts a daemon under the bridge. Uses its own private daemon (started with
/// scripts/docker-test-daemon in a temporary directory) so the shared one stays up for the other tests.
/// </summary>
public class DockerReconnectTests
{
    [SkippableFact]
    public async Task Events_flow_again_after_dockerd_restarts()
    {
        TestDocker.Require();
        var script = Path.Combine(Repository.Root(), "scripts", "docker-test-daemon");
        var dir = Directory.CreateTempSubdirectory("wo-rc.").FullName;
        var started = false;
        try
        {
            var endpoint = await Daemon(script, "start", dir);
            started = true;
            Assert.Equal($"unix://{dir}/docker.sock", endpoint);

            var fake = new FakeAllocator();
            var status = new DockerStatus();
            var options = new DockerBridgeOptions { Endpoint = endpoint };
            using var bridge = new DockerBridge(fake, status, options, new CollectingLogger<DockerBridge>());
            using var containers = new DockerContainers(options);
            await bridge.StartAsync(CancellationToken.None);
            try
            {
                await Eventually.True(() => status.State == DockerState.Connected, "connected");
                var before = await containers.Run(TestDocker.Image, ["sleep", "600"]);
                await Eventually.True(() => fake.Saw("ContainerStarted", before.Id), "start before the restart");

                await Daemon(script, "stop", dir);
                started = false;
                await Eventually.True(() => status.State == DockerState.Absent, "absent after dockerd stopped");

                await Daemon(script, "start", dir);
                started = true;
                // Back-off is at most 1 + 1.5 + 2.25 + ... s; the restart takes a few seconds.
                await Eventually.True(() => status.State == DockerState.Connected && status.Snapshot().Connections >= 2, "reconnected", 60);
                await Eventually.True(() => fake.Prunes.Count >= 2, "prune after reconnect");
                Assert.DoesNotContain(before.Id, fake.Prunes[^1]);

                var after = await containers.Run(TestDocker.Image, ["sleep", "600"]);
                await Eventually.True(() => fake.Saw("ContainerStarted", after.Id), "start after the restart");
                await containers.Remove(after.Id);
                await Eventually.True(() => fake.Saw("ContainerDestroyed", after.Id), "destroy after the restart");
            }
            finally
            {
                await bridge.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (started)
                await Daemon(script, "stop", dir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> Daemon(string script, string verb, string dir)
    {
        var (exit, stdout, stderr) = await TestDocker.Exec(script, [verb, dir]);
        Assert.True(exit == 0, $"docker-test-daemon {verb} failed ({exit}): {stderr}");
        return stdout.Trim();
    }
}
