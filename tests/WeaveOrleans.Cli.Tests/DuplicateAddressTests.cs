using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// Ways an address could end up on two live containers at the boundary between the allocator and the host: state
/// lost under running containers, a reset that leaves the bridge's addresses, a restart Docker did while the
/// daemon was not listening, and a detach that frees more than it should. A real daemon and a real Docker engine
/// (root and WEAVE_TEST_DOCKER, see <see cref="TestDocker"/>); each test has its own range and bridge.
/// </summary>
public class DuplicateAddressTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string? Endpoint => TestDocker.Endpoint;

    private static async Task<(string Id, string Address)> RunSleeper(LaunchedDaemon d, string bridge, List<string> started, params string[] addresses)
    {
        var run = await d.RunContainer(["--bridge", bridge, .. addresses, "busybox:weave", "sleep", "600"]);
        Assert.True(run.Code == 0, run.Err);
        var id = run.Out.Trim();
        started.Add(id);
        var address = await d.PsAddresses(id);
        Assert.False(address.Length == 0, $"weave ps does not list {id[..12]}");
        return (id, address);
    }

    private static async Task CleanUp(List<string> containers, string bridge)
    {
        foreach (var id in containers)
            await TestDocker.Run("rm", "-f", id);
        await new Docker.NetworkAttacher().DeleteBridge(bridge);
    }

    private static async Task<string> ContainerAddresses(string id) =>
        (await TestDocker.Run("exec", id, "ip", "-4", "-o", "addr", "show")).Out;

    [SkippableFact]
    public async Task Addresses_on_the_bridge_and_on_running_containers_are_reclaimed_after_the_state_is_lost()
    {
        TestDocker.SkipUnlessAvailable();
        var bridge = TestDocker.NewBridge("wors");
        var otherBridge = TestDocker.NewBridge("woro");
        await using var d = await LaunchedDaemon.Start("10.244.0.0/24", Endpoint, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var started = new List<string>();
        try
        {
            var (id, inUse) = await RunSleeper(d, bridge, started);
            var expose = await d.Run("expose", "--bridge", bridge);
            Assert.True(expose.Code == 0, expose.Err);
            var exposed = expose.Out.Trim();
            // On another bridge (another weave network): not this daemon's to claim, though its veth has the same
            // index inside its container as the one on this bridge.
            var (elsewhere, _) = await RunSleeper(d, otherBridge, started, "ip:10.244.0.50/24");

            // The daemon's state is lost under the running container and the exposed bridge.
            var stop = await d.Run("stop");
            Assert.True(stop.Code == 0, stop.Err);
            foreach (var entry in d.Directory.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                    sub.Delete(recursive: true);
                else if (entry.Name != "weaver.log")
                    entry.Delete();
            }
            var relaunch = await d.Launch();
            Assert.True(relaunch.Code == 0, relaunch.Err);

            // A fresh ring hands out its lowest addresses first: exactly the ones in use, unless they were claimed back.
            var given = new List<string>();
            await using (var client = await DaemonClient.Connect(d.GatewayPort, d.PeerName!, TimeSpan.FromSeconds(30)))
            {
                for (var i = 0; i < 3; i++)
                {
                    using var cancel = new CancellationTokenSource(Deadline);
                    var reply = await client.Grain.Allocate($"after-loss-{i}", null, isContainer: false, cancel.Token);
                    Assert.True(reply.IsOk, reply.Error);
                    given.Add(reply.Address!);
                }
            }
            Assert.DoesNotContain(inUse, given);
            Assert.DoesNotContain(exposed, given);
            Assert.Equal(inUse, await d.PsAddresses(id));
            Assert.Equal(exposed, await d.PsAddresses("weave:expose"));
            var log = await File.ReadAllTextAsync(Path.Combine(d.Directory.FullName, "weaver.log"));
            Assert.Contains($"Reclaimed {inUse} for {id[..12]}", log, StringComparison.Ordinal);
            Assert.Contains($"Reclaimed {exposed} for weave:expose", log, StringComparison.Ordinal);
            Assert.Equal("", await d.PsAddresses(elsewhere));
        }
        finally
        {
            await CleanUp(started, bridge);
            await new Docker.NetworkAttacher().DeleteBridge(otherBridge);
        }
    }

    [SkippableFact]
    public async Task Allocations_wait_for_the_claims_while_docker_cannot_say_whose_the_attached_addresses_are()
    {
        TestDocker.SkipUnlessAvailable();
        await using var proxy = DockerSocketProxy.Start(Endpoint!);
        var bridge = TestDocker.NewBridge("worw");
        await using var d = await LaunchedDaemon.Start("10.240.0.0/24", proxy.Endpoint, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var started = new List<string>();
        try
        {
            var (id, inUse) = await RunSleeper(d, bridge, started);
            var stop = await d.Run("stop");
            Assert.True(stop.Code == 0, stop.Err);
            foreach (var file in d.Directory.EnumerateFiles().Where(f => f.Name != "weaver.log"))
                file.Delete();
            foreach (var sub in d.Directory.EnumerateDirectories())
                sub.Delete(recursive: true);

            // Relaunched while Docker cannot be reached: the veth on the bridge is nobody's yet.
            proxy.Cut();
            var relaunch = await d.Launch();
            Assert.True(relaunch.Code == 0, relaunch.Err);
            await using var client = await DaemonClient.Connect(d.GatewayPort, d.PeerName!, TimeSpan.FromSeconds(60));
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var allocation = client.Grain.Allocate("while-waiting", null, isContainer: false, cancel.Token);
            await Poll.Until(async () => (await d.Run("status")).Out.Contains("waiting to claim the addresses in use", StringComparison.Ordinal),
                Deadline, "status says the allocator waits for the addresses in use");
            Assert.False(allocation.IsCompleted, "an allocation was served before the addresses in use were claimed");

            proxy.Heal();
            var reply = await allocation;
            Assert.True(reply.IsOk, reply.Error);
            Assert.NotEqual(inUse, reply.Address);
            Assert.Equal(inUse, await d.PsAddresses(id));
        }
        finally
        {
            await CleanUp(started, bridge);
        }
    }

    [SkippableFact]
    public async Task Without_docker_the_addresses_in_use_on_the_bridge_are_reclaimed_by_address()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        var bridge = TestDocker.NewBridge("worn");
        var ns = "wo-rn-" + Guid.NewGuid().ToString("N")[..8];
        var attacher = new Docker.NetworkAttacher();
        Process? holder = null;
        try
        {
            // A process in a network namespace of its own, attached to the bridge with the range's first address.
            await attacher.EnsureBridge(bridge);
            Assert.Equal(0, (await TestDocker.Exec("ip", "netns", "add", ns)).Code);
            holder = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", ns, "sleep", "600"]))!;
            await Poll.Until(() => Task.FromResult(File.Exists($"/proc/{holder.Id}/ns/net")
                && new FileInfo($"/proc/{holder.Id}/ns/net").LinkTarget != new FileInfo("/proc/self/ns/net").LinkTarget), Deadline, "the holder is in its namespace");
            await attacher.Attach(holder.Id, ["10.238.0.1/24"], bridge: bridge);

            await using var d = await LaunchedDaemon.Start("10.238.0.0/24", null, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
            await using var client = await DaemonClient.Connect(d.GatewayPort, d.PeerName!, TimeSpan.FromSeconds(30));
            using var cancel = new CancellationTokenSource(Deadline);
            var reply = await client.Grain.Allocate("fresh", null, isContainer: false, cancel.Token);
            Assert.True(reply.IsOk, reply.Error);
            Assert.NotEqual("10.238.0.1/24", reply.Address);
            Assert.Equal("10.238.0.1/24", await d.PsAddresses("10.238.0.1"));
        }
        finally
        {
            if (holder is not null)
            {
                holder.Kill();
                await holder.WaitForExitAsync();
                holder.Dispose();
            }
            await TestDocker.Exec("ip", "netns", "del", ns);
            await attacher.DeleteBridge(bridge);
        }
    }

    [SkippableFact]
    public async Task Reset_takes_the_exposed_addresses_off_the_bridge()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        var bridge = TestDocker.NewBridge("worr");
        await using var d = await LaunchedDaemon.Start("10.243.0.0/24", null, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var attacher = new Docker.NetworkAttacher();
        try
        {
            var allocated = await d.Run("expose", "--bridge", bridge);
            Assert.True(allocated.Code == 0, allocated.Err);
            var claimed = await d.Run("expose", "ip:10.243.0.200/24", "--bridge", bridge);
            Assert.True(claimed.Code == 0, claimed.Err);
            Assert.Equal(2, (await attacher.HostAddresses(bridge)).Count);

            var reset = await d.Run("reset", "--bridge", bridge);
            Assert.True(reset.Code == 0, reset.Err);
            Assert.Empty(await attacher.HostAddresses(bridge));
        }
        finally
        {
            await attacher.DeleteBridge(bridge);
        }
    }

    [SkippableFact]
    public async Task A_container_restarted_while_the_event_stream_was_down_keeps_its_address()
    {
        TestDocker.SkipUnlessAvailable();
        const int GraceSeconds = 6;
        var grace = TimeSpan.FromSeconds(GraceSeconds);
        // The daemon (and the weave commands) reach Docker through a proxy the test can cut; Docker itself stays up.
        await using var proxy = DockerSocketProxy.Start(Endpoint!);
        var bridge = TestDocker.NewBridge("worc");
        await using var d = await LaunchedDaemon.Start("10.241.0.0/24", proxy.Endpoint, new DaemonLaunchOptions
        {
            DaemonSettings = new Dictionary<string, string>
            {
                ["containerGrace"] = GraceSeconds.ToString(CultureInfo.InvariantCulture),
                ["tickInterval"] = "0.5",
            },
            ExtraLaunchArgs = ["--bridge", bridge],
        });
        var started = new List<string>();
        try
        {
            var (id, address) = await RunSleeper(d, bridge, started);

            // The container dies while the daemon listens: its death is pending for the grace.
            var sinceKill = Stopwatch.StartNew();
            await TestDocker.Ok("kill", id);
            var die = new Regex("\"Action\":\"die\",\"Actor\":\\{\"ID\":\"" + id + "\"");
            await Poll.Until(() => Task.FromResult(die.IsMatch(proxy.FromDocker)), Deadline, $"the die event of {id[..12]} reached the daemon");

            // Docker starts it again while the daemon cannot hear: the start event is lost.
            proxy.Cut();
            var listsBefore = Lists(proxy.ToDocker);
            await TestDocker.Ok("start", id);
            proxy.Heal();

            // The daemon reconnects and lists the running containers, well inside the grace.
            await Poll.Until(() => Task.FromResult(Lists(proxy.ToDocker) > listsBefore), Deadline, "the daemon listed the containers after reconnecting");
            var reconnectedAt = sinceKill.Elapsed;
            Assert.True(reconnectedAt < grace - TimeSpan.FromSeconds(1), $"reconnected {reconnectedAt.TotalSeconds:0.0} s after the kill, too late to tell");

            // The running container keeps its address past the grace (+2 s).
            await Poll.Throughout(async () => await d.PsAddresses(id) == address,
                grace + TimeSpan.FromSeconds(2) - sinceKill.Elapsed, $"running container {id[..12]} keeps {address}");
        }
        finally
        {
            await CleanUp(started, bridge);
        }

        static int Lists(string requests) => Regex.Count(requests, @"GET (/v[0-9.]+)?/containers/json");
    }

    [SkippableFact]
    public async Task Detach_without_addresses_releases_the_default_subnet_only()
    {
        TestDocker.SkipUnlessAvailable();
        var bridge = TestDocker.NewBridge("word");
        await using var d = await LaunchedDaemon.Start("10.242.0.0/23", Endpoint, new DaemonLaunchOptions
        {
            ExtraLaunchArgs = ["--ipalloc-default-subnet", "10.242.0.0/24", "--bridge", bridge],
        });
        var started = new List<string>();
        try
        {
            var (id, inDefault) = await RunSleeper(d, bridge, started);
            Assert.StartsWith("10.242.0.", inDefault, StringComparison.Ordinal);
            var other = await d.Run("attach", "--bridge", bridge, "net:10.242.1.0/24", id);
            Assert.True(other.Code == 0, other.Err);
            var inOther = other.Out.Trim();
            var outside = await d.Run("attach", "--bridge", bridge, "ip:10.98.0.9/24", id);
            Assert.True(outside.Code == 0, outside.Err);

            var detach = await d.Run("detach", "--bridge", bridge, id);
            Assert.True(detach.Code == 0, detach.Err);
            Assert.Equal(inDefault + "\n", detach.Out);
            Assert.Equal($"{inOther} 10.98.0.9/24", await d.PsAddresses(id));
            var inside = await ContainerAddresses(id);
            Assert.DoesNotContain("inet " + inDefault, inside, StringComparison.Ordinal);
            Assert.Contains("inet " + inOther, inside, StringComparison.Ordinal);
            Assert.Contains("inet 10.98.0.9/24", inside, StringComparison.Ordinal);
        }
        finally
        {
            await CleanUp(started, bridge);
        }
    }
}
