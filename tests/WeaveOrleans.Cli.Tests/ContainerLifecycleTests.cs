using System.Diagnostics;
using System.Globalization;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// How a real daemon follows Docker: a dead container keeps its address for the grace, a restarted one keeps it,
/// a removed one loses it at once, and one removed while the daemon was down is pruned at launch. Also a reset
/// peer hands its ranges to the other. Needs root and WEAVE_TEST_DOCKER (see <see cref="DockerTests"/>).
/// </summary>
public class ContainerLifecycleTests
{
    private const int GraceSeconds = 3;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(GraceSeconds);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string? Endpoint => TestDocker.Endpoint;

    private static readonly DaemonLaunchOptions ShortGrace = new()
    {
        DaemonSettings = new Dictionary<string, string>
        {
            ["containerGrace"] = GraceSeconds.ToString(CultureInfo.InvariantCulture),
            ["tickInterval"] = "0.5",
        },
    };

    private static void SkipUnlessDocker() => TestDocker.Require();

    private static string NewBridge() => TestDocker.NewBridge("wolc");

    private static Task<(int Code, string Out, string Err)> Docker(params string[] args) => TestDocker.Docker(args);

    private static Task DockerOk(params string[] args) => TestDocker.Ok(args);

    /// <summary>The addresses <c>weave ps</c> shows for a container (empty when it is not listed).</summary>
    private static Task<string> Addresses(LaunchedDaemon d, string id) => d.IpamAddresses(id);

    private static Task<TimeSpan> Until(Func<Task<bool>> done, TimeSpan deadline, string what) => Poll.Until(done, deadline, what);

    private static Task Throughout(Func<Task<bool>> holds, TimeSpan span, string what) => Poll.Throughout(holds, span, what);

    private static Task<(string Id, string Address)> RunSleeper(LaunchedDaemon d, string bridge, List<string> started) =>
        Sleepers.Run(d, bridge, started, "net:default");

    private static Task CleanUp(List<string> containers, string bridge) => Sleepers.CleanUp(containers, bridge);

    [SkippableFact]
    public async Task Kill_restart_and_remove_containers()
    {
        SkipUnlessDocker();
        await using var d = await LaunchedDaemon.Start("10.249.0.0/24", Endpoint, ShortGrace);
        var bridge = NewBridge();
        var started = new List<string>();
        try
        {
            // 1. weave run: ps lists the container with its address.
            var (killed, killedAddress) = await RunSleeper(d, bridge, started);
            Assert.StartsWith("10.249.0.", killedAddress, StringComparison.Ordinal);
            var (restarted, restartedAddress) = await RunSleeper(d, bridge, started);
            var (removed, removedAddress) = await RunSleeper(d, bridge, started);
            Assert.Equal(3, new[] { killedAddress, restartedAddress, removedAddress }.Distinct().Count());

            // 2. docker kill: still held before the grace ends, released after it.
            var sinceKill = Stopwatch.StartNew();
            await DockerOk("kill", killed);
            var heldRightAfter = await Addresses(d, killed);
            var checkedAt = sinceKill.Elapsed;
            Assert.True(checkedAt < Grace, $"the still-held check came {checkedAt.TotalSeconds:0.0} s after the kill, not before the grace ended");
            Assert.Equal(killedAddress, heldRightAfter);

            // 3. (a second container) killed and restarted at once, within the grace.
            var sinceRestartKill = Stopwatch.StartNew();
            await DockerOk("kill", restarted);
            await DockerOk("restart", restarted);

            await Until(async () => await Addresses(d, killed) == "", Deadline, $"killed container {killed[..12]} released");
            Assert.True(sinceKill.Elapsed >= Grace, $"released {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill, before the {GraceSeconds} s grace");

            // 3. The restarted one keeps its address past the grace (+2 s).
            var left = Grace + TimeSpan.FromSeconds(2) - sinceRestartKill.Elapsed;
            await Throughout(async () => await Addresses(d, restarted) == restartedAddress,
                left > TimeSpan.Zero ? left : TimeSpan.Zero, $"restarted container {restarted[..12]} keeps {restartedAddress}");

            // 4. docker rm -f releases at once.
            await DockerOk("rm", "-f", removed);
            await Until(async () => await Addresses(d, removed) == "", TimeSpan.FromSeconds(2.5), $"removed container {removed[..12]} released at once");
            Assert.Equal(restartedAddress, await Addresses(d, restarted));
        }
        finally
        {
            await CleanUp(started, bridge);
        }
    }

    [SkippableFact]
    public async Task A_container_removed_while_the_daemon_was_down_is_pruned_at_launch()
    {
        SkipUnlessDocker();
        await using var d = await LaunchedDaemon.Start("10.248.0.0/24", Endpoint, ShortGrace);
        var bridge = NewBridge();
        var started = new List<string>();
        try
        {
            var (kept, keptAddress) = await RunSleeper(d, bridge, started);
            var (gone, goneAddress) = await RunSleeper(d, bridge, started);

            var stop = await d.Run("stop");
            Assert.True(stop.Code == 0, stop.Err);
            await DockerOk("rm", "-f", gone);
            var relaunch = await d.Launch();
            Assert.True(relaunch.Code == 0, relaunch.Err);

            await Until(async () => await Addresses(d, gone) == "", TimeSpan.FromSeconds(10), $"container {gone[..12]} ({goneAddress}) removed while the daemon was down is pruned");
            // The one that ran throughout keeps its address, also past the grace.
            await Throughout(async () => await Addresses(d, kept) == keptAddress, Grace + TimeSpan.FromSeconds(1), $"running container {kept[..12]} keeps {keptAddress}");
        }
        finally
        {
            await CleanUp(started, bridge);
        }
    }

    [SkippableFact]
    public async Task A_reset_peer_hands_its_ranges_to_the_other()
    {
        SkipUnlessDocker();
        int portA = CliRunner.FreePort(), portB = CliRunner.FreePort();
        static DaemonLaunchOptions Pair(int own, int other) => ShortGrace with
        {
            Init = "consensus=2",
            PeerPort = own,
            Peers = ["127.0.0.1:" + other.ToString(CultureInfo.InvariantCulture)],
        };
        const string Range = "10.247.0.0/24";
        var startA = LaunchedDaemon.Start(Range, Endpoint, Pair(portA, portB));
        var startB = LaunchedDaemon.Start(Range, Endpoint, Pair(portB, portA));
        await using var a = await startA;
        await using var b = await startB;

        // Both allocate (which needs the consensus of both).
        var addresses = new List<string>();
        foreach (var d in new[] { a, b })
        {
            using var cancel = new CancellationTokenSource(Deadline);
            using var client = await d.Connect();
            var reply = await client.Allocate("e2e-" + d.PeerPort.ToString(CultureInfo.InvariantCulture), null, isContainer: false, cancel.Token);
            Assert.True(reply.IsOk, reply.Error);
        }
        foreach (var d in new[] { a, b })
        {
            var held = await d.IpamAddresses("e2e-" + d.PeerPort.ToString(CultureInfo.InvariantCulture));
            Assert.StartsWith("10.247.0.", held, StringComparison.Ordinal);
            addresses.Add(held);
        }
        Assert.NotEqual(addresses[0], addresses[1]);

        var reset = await b.Run("reset");
        Assert.True(reset.Code == 0, reset.Err);

        var self = a.PeerName!;
        string last = "";
        await Until(async () =>
        {
            var ipam = await a.Run("status", "ipam");
            last = ipam.Out;
            return ipam.Code == 0 && ipam.Out.Split('\n').Any(l => l.StartsWith(self, StringComparison.Ordinal) && l.Contains("256 IPs (100.0% of total)", StringComparison.Ordinal));
        }, Deadline, $"{self} owns the whole range after the other's reset");
        Assert.Contains("100.0% of total", last, StringComparison.Ordinal);
        Assert.Equal(addresses[0], await a.IpamAddresses("e2e-" + a.PeerPort.ToString(CultureInfo.InvariantCulture)));
    }
}
