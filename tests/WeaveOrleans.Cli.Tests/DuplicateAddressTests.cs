using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// Ways an address could end up on two live containers at the boundary between the allocator and the host (besides
/// the state lost under running containers, see <see cref="ReclaimAtLaunchTests"/>): a reset that leaves the
/// bridge's addresses, a restart Docker did while the daemon was not listening, and a detach that frees more than
/// it should. A real daemon and a real Docker engine
/// (root and WEAVE_TEST_DOCKER, see <see cref="TestDocker"/>); each test has its own range and bridge.
/// </summary>
public class DuplicateAddressTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string? Endpoint => TestDocker.Endpoint;

    private static async Task<string> ContainerAddresses(string id) =>
        (await TestDocker.Docker("exec", id, "ip", "-4", "-o", "addr", "show")).Out;

    [SkippableFact]
    public async Task Reset_takes_the_exposed_addresses_off_the_bridge()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        var bridge = TestDocker.NewBridge("worr");
        await using var d = await LaunchedDaemon.Start("10.243.0.0/24", null, new DaemonLaunchOptions { ExtraLaunchArgs = ["--bridge", bridge] });
        var attacher = new Network.NetworkAttacher();
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
        TestDocker.Require();
        // Long enough for kill, cut, start, heal and the reconnect back-off (1 s, then 1.5 s) on a loaded machine.
        const int GraceSeconds = 8;
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
            var (id, address) = await Sleepers.Run(d, bridge, started);

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
            await Poll.Throughout(async () => await d.IpamAddresses(id) == address,
                grace + TimeSpan.FromSeconds(2) - sinceKill.Elapsed, $"running container {id[..12]} keeps {address}");
        }
        finally
        {
            await Sleepers.CleanUp(started, bridge);
        }

        static int Lists(string requests) => Regex.Count(requests, @"GET (/v[0-9.]+)?/containers/json");
    }

    [SkippableFact]
    public async Task Detach_without_addresses_releases_the_default_subnet_only()
    {
        TestDocker.Require();
        var bridge = TestDocker.NewBridge("word");
        await using var d = await LaunchedDaemon.Start("10.242.0.0/23", Endpoint, new DaemonLaunchOptions
        {
            ExtraLaunchArgs = ["--ipalloc-default-subnet", "10.242.0.0/24", "--bridge", bridge],
        });
        var started = new List<string>();
        try
        {
            var (id, inDefault) = await Sleepers.Run(d, bridge, started);
            Assert.StartsWith("10.242.0.", inDefault, StringComparison.Ordinal);
            var other = await d.Run("attach", "--bridge", bridge, "net:10.242.1.0/24", id);
            Assert.True(other.Code == 0, other.Err);
            var inOther = other.Out.Trim() + "/24";
            var outside = await d.Run("attach", "--bridge", bridge, "ip:10.98.0.9/24", id);
            Assert.True(outside.Code == 0, outside.Err);

            var detach = await d.Run("detach", "--bridge", bridge, id);
            Assert.True(detach.Code == 0, detach.Err);
            Assert.Equal(inDefault.Split('/')[0] + "\n", detach.Out);
            Assert.Equal($"{inOther} 10.98.0.9/24", await d.IpamAddresses(id));
            var inside = await ContainerAddresses(id);
            Assert.DoesNotContain("inet " + inDefault, inside, StringComparison.Ordinal);
            Assert.Contains("inet " + inOther, inside, StringComparison.Ordinal);
            Assert.Contains("inet 10.98.0.9/24", inside, StringComparison.Ordinal);
        }
        finally
        {
            await Sleepers.CleanUp(started, bridge);
        }
    }
}
