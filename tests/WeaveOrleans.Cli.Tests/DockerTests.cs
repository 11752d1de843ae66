using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>Needs root and WEAVE_TEST_DOCKER (a Docker endpoint with the image busybox:weave, e.g. from scripts/docker-test-daemon).</summary>
public class DockerTests
{
    private static string? Endpoint => Environment.GetEnvironmentVariable("WEAVE_TEST_DOCKER");

    private static async Task<string> DockerExec(string container, params string[] command)
    {
        var psi = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-H");
        psi.ArgumentList.Add(Endpoint!);
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(container);
        foreach (var c in command)
            psi.ArgumentList.Add(c);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    [SkippableFact]
    public async Task Run_attach_detach_with_docker()
    {
        Skip.If(string.IsNullOrEmpty(Endpoint), "WEAVE_TEST_DOCKER is not set");
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        await using var d = await LaunchedDaemon.Start("10.250.0.0/24", Endpoint);
        var bridge = "wotest" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
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
