using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>Needs root and WEAVE_TEST_DOCKER (a Docker endpoint with the image busybox:weave, e.g. from scripts/docker-test-daemon).</summary>
public class DockerTests
{
    private static string? Endpoint => TestDocker.Endpoint;

    private static async Task<string> DockerExec(string container, params string[] command) =>
        (await TestDocker.Docker(["exec", container, .. command])).Out;

    [SkippableFact]
    public async Task Start_starts_a_stopped_container_and_attaches_it()
    {
        TestDocker.Require();
        await using var d = await LaunchedDaemon.Start("10.251.0.0/24", Endpoint);
        var bridge = TestDocker.NewBridge("wotest");
        var (created, id, createError) = await TestDocker.Docker("create", "--network", "none", "busybox:weave", "sleep", "600");
        Assert.True(created == 0, createError);
        id = id.Trim();
        try
        {
            var start = await d.Run("start", "--bridge", bridge, "ip:10.251.0.66/24", id);
            Assert.True(start.Code == 0, start.Err);
            Assert.Equal("10.251.0.66\n", start.Out);
            Assert.Equal("true\n", (await TestDocker.Docker("inspect", "-f", "{{.State.Running}}", id)).Out);
            Assert.Equal("10.251.0.66/24", await d.PsAddresses(id, bridge));
            Assert.Contains("inet 10.251.0.66/24", await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            var noSuch = await d.Run("start", "--bridge", bridge, "no-such-container-xyz");
            Assert.Equal(1, noSuch.Code);
            Assert.Contains("no-such-container-xyz", noSuch.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", noSuch.Err, StringComparison.Ordinal);
        }
        finally
        {
            await TestDocker.Docker("rm", "-f", id);
            await new Network.NetworkAttacher().DeleteBridge(bridge);
        }
    }

    [SkippableFact]
    public async Task Run_attach_detach_with_docker()
    {
        TestDocker.Require();
        await using var d = await LaunchedDaemon.Start("10.250.0.0/24", Endpoint);
        var bridge = TestDocker.NewBridge("wotest");
        string? id = null;
        using var docker = new Docker.DockerContainers(new Docker.DockerBridgeOptions { Endpoint = Endpoint });
        try
        {
            var run = await d.RunContainer("--bridge", bridge, "net:default", "busybox:weave", "sleep", "600");
            Assert.True(run.Code == 0, run.Err);
            id = run.Out.Trim();
            Assert.Matches("^[0-9a-f]{64}$", id);
            var allocated = await d.PsAddresses(id, bridge);
            Assert.StartsWith("10.250.0.", allocated, StringComparison.Ordinal);
            Assert.Contains("inet " + allocated, await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            // Bare addresses, as Weave's script prints them, and nothing else.
            var attach = await d.Run("attach", "--bridge", bridge, "ip:10.250.0.77/24", id);
            Assert.True(attach.Code == 0, attach.Err);
            Assert.Equal("10.250.0.77\n", attach.Out);
            Assert.Contains("inet 10.250.0.77/24", await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            var noSuch = await d.Run("attach", "--bridge", bridge, "no-such-container-xyz");
            Assert.Equal((1, "weave: no such container: no-such-container-xyz\n"), (noSuch.Code, noSuch.Err));

            var detach = await d.Run("detach", "--bridge", bridge, id);
            Assert.True(detach.Code == 0, detach.Err);
            Assert.Equal(allocated.Split('/')[0] + " 10.250.0.77\n", detach.Out);
            Assert.Equal("", await d.PsAddresses(id, bridge));
        }
        finally
        {
            if (id is not null)
                await docker.Remove(id);
            await new Network.NetworkAttacher().DeleteBridge(bridge);
        }
    }
}
