using System.Text.RegularExpressions;

namespace WeaveOrleans.Cli.Tests;

/// <summary>
/// <c>weave ps</c> in Weave's format, read from the bridge: <c>ID MAC CIDR...</c> per attached container and
/// <c>weave:expose MAC CIDR...</c> for the bridge. Needs root and WEAVE_TEST_DOCKER.
/// </summary>
public class PsTests
{
    private static readonly string? Endpoint = TestDocker.Endpoint;

    private static async Task<string> Mac(string container) =>
        (await TestDocker.Docker("exec", container, "cat", "/sys/class/net/ethwe/address")).Out.Trim();

    [SkippableFact]
    public async Task Ps_shows_the_attached_containers_and_the_bridge_as_Weave_does()
    {
        TestDocker.Require();
        var bridge = TestDocker.NewBridge("wops");
        var otherBridge = TestDocker.NewBridge("wopo");
        await using var d = await LaunchedDaemon.Start("10.227.0.0/23", Endpoint, new DaemonLaunchOptions
        {
            ExtraLaunchArgs = ["--ipalloc-default-subnet", "10.227.0.0/24", "--bridge", bridge],
        });
        var started = new List<string>();
        var name = "wops-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            var (first, firstCidr) = await Sleepers.Run(d, bridge, started);
            // Two subnets on one container: one line, its CIDRs in the order they were given.
            var run = await d.RunContainer("--bridge", bridge, "ip:10.227.0.200/24", "net:10.227.1.0/24", "--name", name, "busybox:weave", "sleep", "600");
            Assert.True(run.Code == 0, run.Err);
            var second = run.Out.Trim();
            started.Add(second);
            var (elsewhere, _) = await Sleepers.Run(d, otherBridge, started, "ip:10.227.0.50/24");
            var (_, unattachedId, createError) = await TestDocker.Docker("run", "-d", "--network", "none", "busybox:weave", "sleep", "600");
            var unattached = unattachedId.Trim();
            Assert.True(unattached.Length == 64, createError);
            started.Add(unattached);
            var expose = await d.Run("expose", "--bridge", bridge);
            Assert.True(expose.Code == 0, expose.Err);
            var exposed = expose.Out.Trim();

            var ps = await d.Run("ps", "--bridge", bridge);
            Assert.True(ps.Code == 0, ps.Err);
            var lines = ps.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Matches($"^weave:expose [0-9a-f]{{2}}(:[0-9a-f]{{2}}){{5}} {Regex.Escape(exposed)}/24$", lines[0]);
            Assert.Contains($"{first[..12]} {await Mac(first)} {firstCidr}", lines);
            var secondLine = Assert.Single(lines, l => l.StartsWith(second[..12] + " ", StringComparison.Ordinal));
            Assert.Matches($"^{second[..12]} {Regex.Escape(await Mac(second))} 10\\.227\\.0\\.200/24 10\\.227\\.1\\.\\d+/24$", secondLine);
            Assert.DoesNotContain(lines, l => l.StartsWith(elsewhere[..12], StringComparison.Ordinal) || l.StartsWith(unattached[..12], StringComparison.Ordinal));

            // Named containers only, each shown as it was named (cut to 12 characters); unknown ones show nothing.
            var some = await d.Run("ps", "--bridge", bridge, name, first[..12], "no-such-container", unattached, "weave:expose");
            Assert.True(some.Code == 0, some.Err);
            Assert.Equal(
                $"{name[..12]} {secondLine[13..]}\n{first[..12]} {await Mac(first)} {firstCidr}\n{lines[0]}\n",
                some.Out);

            // A stopped container is not on the bridge any more.
            await TestDocker.Ok("kill", first);
            await Poll.Until(async () => !(await d.Run("ps", "--bridge", bridge)).Out.Contains(first[..12], StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "ps stops showing the killed container");
            Assert.Equal("", (await d.Run("ps", "--bridge", bridge, first)).Out);
        }
        finally
        {
            await Sleepers.CleanUp(started, bridge);
            await new Network.NetworkAttacher().DeleteBridge(otherBridge);
        }
    }

    [SkippableFact]
    public async Task Ps_without_a_bridge_shows_nothing_and_Docker_failures_come_back_from_the_daemon_as_one_line()
    {
        TestDocker.Require();
        await using var d = await LaunchedDaemon.Start("10.226.2.0/24", Endpoint);
        var bridge = TestDocker.NewBridge("wopn");
        var ps = await d.Run("ps", "--bridge", bridge);
        Assert.Equal((0, "", ""), (ps.Code, ps.Out, ps.Err));

        // The daemon holds the Docker client: a command naming another Docker is refused, not answered about this one.
        var other = await d.Cli.Run("attach", "c1", "--data-dir", d.Directory.FullName, "--bridge", bridge, "--docker-endpoint", "unix:///nonexistent/other.sock");
        Assert.Equal((1, "", $"weave: the weave daemon follows Docker at {Endpoint}, not unix:///nonexistent/other.sock (--docker-endpoint)\n"),
            (other.Code, other.Out, other.Err));

        var noImage = await d.RunContainer("--bridge", bridge, "busybox:no-such-tag", "true");
        Assert.Equal((1, ""), (noImage.Code, noImage.Out));
        Assert.StartsWith("weave: ", noImage.Err, StringComparison.Ordinal);
        Assert.Contains("busybox:no-such-tag", noImage.Err, StringComparison.Ordinal);
        Assert.Single(noImage.Err.TrimEnd('\n').Split('\n'));
    }
}
