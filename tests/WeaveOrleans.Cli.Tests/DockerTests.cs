using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>Needs root and WEAVE_TEST_DOCKER (a Docker endpoint with the image busybox:weave, e.g. from scripts/docker-test-daemon).</summary>
public class DockerTests
{
    private static string? Endpoint => Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER");

    private static async Task<string> DockerExec(string container, params string[] command) =>
        (await DockerCli(["exec", container, .. command])).Out;

    private static async Task<(int Code, string Out)> DockerCli(params string[] args)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-H");
        psi.ArgumentList.Add(Endpoint!);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output + await error);
    }

    private static string NewBridge() => "wotest" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Start_starts_a_stopped_container_and_attaches_it()
    {
        Skip.If(string.IsNullOrEmpty(Endpoint), "WEAVE_TEST_DOCKER is not set");
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        await using var d = await LaunchedDaemon.Start("10.251.0.0/24", Endpoint);
        var bridge = NewBridge();
        var (created, id) = await DockerCli("create", "--network", "none", "busybox:weave", "sleep", "600");
        Assert.True(created == 0, id);
        id = id.Trim();
        try
        {
            var start = await d.Run("start", "--bridge", bridge, "ip:10.251.0.66/24", id);
            Assert.True(start.Code == 0, start.Err);
            Assert.Equal("10.251.0.66/24\n", start.Out);
            Assert.Equal("true\n", (await DockerCli("inspect", "-f", "{{.State.Running}}", id)).Out);
            Assert.Contains(id[..12] + " 10.251.0.66/24", (await d.Run("ps")).Out, StringComparison.Ordinal);
            Assert.Contains("inet 10.251.0.66/24", await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            var noSuch = await d.Run("start", "--bridge", bridge, "no-such-container-xyz");
            Assert.Equal(1, noSuch.Code);
            Assert.Contains("no-such-container-xyz", noSuch.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", noSuch.Err, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli("rm", "-f", id);
            await new Docker.NetworkAttacher().DeleteBridge(bridge);
        }
    }

    [SkippableFact]
    public async Task Run_attach_detach_with_docker()
    {
        Skip.If(string.IsNullOrEmpty(Endpoint), "WEAVE_TEST_DOCKER is not set");
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        await using var d = await LaunchedDaemon.Start("10.250.0.0/24", Endpoint);
        var bridge = NewBridge();
        string? id = null;
        using var docker = new Docker.DockerContainers(new Docker.DockerBridgeOptions { Endpoint = Endpoint });
        try
        {
            var run = await d.RunContainer("--bridge", bridge, "net:default", "busybox:weave", "sleep", "600");
            Assert.True(run.Code == 0, run.Err);
            id = run.Out.Trim();
            var ps = (await d.Run("ps")).Out;
            Assert.Contains(id[..12] + " 10.250.0.", ps, StringComparison.Ordinal);
            var allocated = ps.Trim().Split(' ')[1];
            Assert.Contains("inet " + allocated, await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            var attach = await d.Run("attach", "--bridge", bridge, "ip:10.250.0.77/24", id);
            Assert.True(attach.Code == 0, attach.Err);
            Assert.Equal("10.250.0.77/24\n", attach.Out);
            Assert.Contains("inet 10.250.0.77/24", await DockerExec(id, "ip", "-4", "addr", "show", "ethwe"), StringComparison.Ordinal);

            var noSuch = await d.Run("attach", "--bridge", bridge, "no-such-container-xyz");
            Assert.Equal((1, "weave: no such container: no-such-container-xyz\n"), (noSuch.Code, noSuch.Err));

            var detach = await d.Run("detach", id);
            Assert.True(detach.Code == 0, detach.Err);
            Assert.Equal("", (await d.Run("ps")).Out);
        }
        finally
        {
            if (id is not null)
                await docker.Remove(id);
            await new Docker.NetworkAttacher().DeleteBridge(bridge);
        }
    }
}
