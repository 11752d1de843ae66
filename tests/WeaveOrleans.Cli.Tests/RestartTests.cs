using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// Weave's restart policy (its test 090): a daemon started with <c>weave launch</c> that is killed
/// comes back on the same data directory with what it had; <c>weave stop</c> stops it for good;
/// <c>--no-restart</c> leaves nothing behind to restart it.
/// </summary>
public sealed class RestartTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static int Pid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_killed_daemon_is_started_again_with_its_allocations_and_weave_stop_ends_it_for_good()
    {
        await using var d = await LaunchedDaemon.Start("10.229.0.0/24");
        string held;
        using (var client = await d.Connect())
        {
            var reply = await client.Allocate("pre-kill", null, isContainer: false);
            Assert.True(reply.IsOk, reply.Error);
            held = reply.Address!;
        }
        var first = Pid(d.PidFile);
        var supervisor = Pid(d.SupervisorPidFile);
        Assert.NotEqual(first, supervisor);
        Assert.Contains(" supervise ", File.ReadAllText($"/proc/{supervisor}/cmdline").Replace('\0', ' '), StringComparison.Ordinal);

        Process.GetProcessById(first).Kill();
        await Poll.Until(async () => File.Exists(d.PidFile) && Pid(d.PidFile) != first && (await d.Run("status")).Code == 0,
            Deadline, "the supervisor starts the killed daemon again and it serves");
        Assert.False(Alive(first));
        Assert.Equal(held, (await d.IpamAddresses("pre-kill")).Trim());
        Assert.Contains("exited with code 137", File.ReadAllText(Path.Combine(d.Directory.FullName, "weaver.log")), StringComparison.Ordinal);

        var second = Pid(d.PidFile);
        var stop = await d.Run("stop");
        Assert.True(stop.Code == 0, stop.Err);
        Assert.False(Alive(second), "weave stop left the daemon running");
        Assert.False(Alive(supervisor), "weave stop left the supervisor running, which would start the daemon again");
        Assert.False(File.Exists(d.SupervisorPidFile));
        Assert.Equal(1, (await d.Run("status")).Code);
    }

    [Fact]
    public async Task With_no_restart_nothing_watches_the_daemon()
    {
        await using var d = await LaunchedDaemon.Start("10.228.0.0/24", null, new DaemonLaunchOptions { ExtraLaunchArgs = ["--no-restart"] });
        Assert.False(File.Exists(d.SupervisorPidFile), "a supervisor was started although --no-restart was given");
        var pid = Pid(d.PidFile);
        // No supervisor is its parent (with one, the parent's command line is "weave.dll supervise ..."),
        // so nothing of ours waits to start it again.
        var parent = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal))["PPid:".Length..].Trim();
        var parentCommand = File.Exists($"/proc/{parent}/cmdline") ? File.ReadAllText($"/proc/{parent}/cmdline").Replace('\0', ' ') : "";
        Assert.DoesNotContain(" supervise ", parentCommand, StringComparison.Ordinal);
        using (var daemon = Process.GetProcessById(pid))
        {
            daemon.Kill();
            daemon.WaitForExit(10_000);
        }
        Assert.Equal(1, (await d.Run("status")).Code);
    }
}
