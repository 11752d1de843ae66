using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Cli.Tests;

/// <summary>A real daemon launched with <c>weave launch</c> in a temporary data dir on free ports.</summary>
public sealed class LaunchedDaemon : IAsyncDisposable
{
    private readonly string[] _launchArgs;

    private LaunchedDaemon(CliRunner cli, DirectoryInfo dir, string[] common, string[] launchArgs, string? dockerEndpoint)
    {
        Cli = cli;
        Directory = dir;
        Common = common;
        _launchArgs = launchArgs;
        DockerEndpoint = dockerEndpoint;
    }

    public CliRunner Cli { get; }
    public DirectoryInfo Directory { get; }
    public string[] Common { get; }
    public string? DockerEndpoint { get; }

    /// <summary>The peer transport port (for naming this daemon as another's PEER, 127.0.0.1:PORT).</summary>
    public int PeerPort { get; private init; }

    /// <summary>The peer name the daemon keeps in its data dir (null when there is none).</summary>
    public string? PeerName
    {
        get
        {
            var file = Path.Combine(Directory.FullName, "peername");
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
    }

    public int GatewayPort => int.Parse(Common[3], CultureInfo.InvariantCulture);

    /// <summary>The daemon's HTTP API through the data directory's socket, as the CLI reaches it.</summary>
    public Task<DaemonClient> Connect(TimeSpan? responseTimeout = null) =>
        DaemonClient.Connect(new CliSettings(Directory.FullName, GatewayPort, DockerEndpoint, "weave", TimeSpan.FromSeconds(30)), responseTimeout ?? TimeSpan.FromSeconds(30));

    public static Task<LaunchedDaemon> Start(string range, string? dockerEndpoint = null) => Start(range, dockerEndpoint, new DaemonLaunchOptions());

    public static async Task<LaunchedDaemon> Start(string range, string? dockerEndpoint, DaemonLaunchOptions options)
    {
        var daemon = Prepare(range, dockerEndpoint, options);
        var (code, output, error) = await daemon.Launch();
        if (code != 0)
        {
            await daemon.DisposeAsync();
            throw new InvalidOperationException($"launch failed ({code}): {error}{output}");
        }
        return daemon;
    }

    /// <summary>Settles data dir, ports and launch arguments without launching.</summary>
    public static LaunchedDaemon Prepare(string range, string? dockerEndpoint, DaemonLaunchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dll = CliRunner.WeaverDll();
        if (!File.Exists(dll))
            throw new InvalidOperationException($"{dll} is not built");
        // A bridge of its own unless a command names one: reset and the launch-time reclaim look at the bridge,
        // and a test must never touch one it did not make (such as a real "weave").
        var cli = new CliRunner(new Dictionary<string, string> { ["WEAVE_WEAVER"] = dll, ["WEAVE_BRIDGE"] = TestDocker.NewBridge("wob") });
        var dir = System.IO.Directory.CreateTempSubdirectory("weave-cli-e2e-");
        string P() => CliRunner.FreePort().ToString(CultureInfo.InvariantCulture);
        var peerPort = options.PeerPort ?? CliRunner.FreePort();
        string[] common = ["--data-dir", dir.FullName, "--gateway-port", P(), "--docker-endpoint", dockerEndpoint ?? "none"];
        List<string> launch = ["--ipalloc-range", range, "--ipalloc-init", options.Init, "--port", peerPort.ToString(CultureInfo.InvariantCulture),
            "--http-addr", "127.0.0.1:" + P(), "--status-addr", "127.0.0.1:" + P(), "--dashboard-addr", "127.0.0.1:" + P(), "--silo-port", P(), "--nickname", "e2e"];
        if (options.DaemonSettings is { Count: > 0 } settings)
        {
            // Daemon settings that weave launch does not pass through (e.g. containerGrace) go in a --config file.
            var config = Path.Combine(dir.FullName, "weaver-test.json");
            File.WriteAllText(config, System.Text.Json.JsonSerializer.Serialize(settings));
            launch.AddRange(["--config", config]);
        }
        launch.AddRange(options.ExtraLaunchArgs);
        launch.AddRange(options.Peers);
        return new LaunchedDaemon(cli, dir, common, [.. launch], dockerEndpoint) { PeerPort = peerPort };
    }

    public Task<(int Code, string Out, string Err)> Launch() => Run(["launch", .. _launchArgs]);

    /// <summary><c>weave launch --foreground</c>: completes when the daemon exits.</summary>
    public Task<(int Code, string Out, string Err)> LaunchInForeground() => Run(["launch", "--foreground", .. _launchArgs]);

    public string PidFile => Path.Combine(Directory.FullName, "weaver.pid");

    /// <summary>Where the supervisor of <c>weave launch</c> (which restarts a daemon that dies) keeps its PID.</summary>
    public string SupervisorPidFile => Path.Combine(Directory.FullName, "weave-supervisor.pid");

    private static void KillQuietly(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
        }
    }

    public Task<(int Code, string Out, string Err)> Run(params string[] args) => Cli.Run([.. args, .. Common]);

    /// <summary>For <c>weave run</c>, whose arguments after the image belong to the container: the options go first.</summary>
    public Task<(int Code, string Out, string Err)> RunContainer(params string[] args) => Cli.Run(["run", .. Common, .. args]);

    /// <summary>The addresses ("a.b.c.d/len", space-separated) IPAM holds for an ident (GET /ip); empty when it holds none.</summary>
    public async Task<string> IpamAddresses(string ident)
    {
        using var client = await Connect();
        var entry = (await client.ListAll()).FirstOrDefault(e => e.Ident == ident);
        return entry is null ? "" : string.Join(' ', entry.Addresses);
    }

    /// <summary>
    /// What <c>weave ps CONTAINER</c> shows on <paramref name="bridge"/>: the CIDRs after the name and the MAC (the MAC is
    /// checked to be one); empty when the container is not shown.
    /// </summary>
    public async Task<string> PsAddresses(string container, string bridge)
    {
        var ps = await Run("ps", "--bridge", bridge, container);
        Assert.True(ps.Code == 0, ps.Err);
        var lines = ps.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
            return "";
        var fields = Assert.Single(lines).Split(' ');
        Assert.Equal(container.Length > 12 ? container[..12] : container, fields[0]);
        Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", fields[1]);
        return string.Join(' ', fields[2..]);
    }

    public async ValueTask DisposeAsync()
    {
        await Run("stop");
        // Whatever happened, no daemon outlives the test.
        foreach (var pidFile in new[] { SupervisorPidFile, PidFile })
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
                KillQuietly(pid);
        try
        {
            Directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>How <see cref="LaunchedDaemon.Start(string, string?, DaemonLaunchOptions)"/> launches: the defaults are those of the short overload.</summary>
public sealed record DaemonLaunchOptions
{
    /// <summary>--ipalloc-init.</summary>
    public string Init { get; init; } = "consensus=1";

    /// <summary>The peer transport port; a free one when null.</summary>
    public int? PeerPort { get; init; }

    /// <summary>PEER arguments (host:port).</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];

    /// <summary>Daemon settings by JSON key (e.g. containerGrace, tickInterval), given to the daemon in a --config file.</summary>
    public IReadOnlyDictionary<string, string>? DaemonSettings { get; init; }

    /// <summary>More <c>weave launch</c> options, placed before the peers.</summary>
    public IReadOnlyList<string> ExtraLaunchArgs { get; init; } = [];
}

public class EndToEndTests
{
    [Fact]
    public async Task Launch_status_prime_ps_stop_relaunch_reset()
    {
        await using var d = await LaunchedDaemon.Start("10.253.0.0/24");

        var again = await d.Launch();
        Assert.Equal(0, again.Code);
        Assert.Contains("weave is already running (peer ", again.Out, StringComparison.Ordinal);

        var prime = await d.Run("prime");
        Assert.True(prime.Code == 0, prime.Err);

        var status = await d.Run("status");
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains("Range: 10.253.0.0/24", status.Out, StringComparison.Ordinal);
        Assert.Contains("DefaultSubnet: 10.253.0.0/24", status.Out, StringComparison.Ordinal);
        Assert.Contains("Connections: 0", status.Out, StringComparison.Ordinal);
        Assert.Contains("Docker: not followed (--docker-endpoint none)", status.Out, StringComparison.Ordinal);

        var ipam = await d.Run("status", "ipam");
        Assert.True(ipam.Code == 0, ipam.Err);
        Assert.Contains("256 IPs", ipam.Out, StringComparison.Ordinal);

        var ps = await d.Run("ps");
        Assert.Equal((0, ""), (ps.Code, ps.Out));

        var rmpeer = await d.Run("rmpeer", "12:34:56:78:9a:bc");
        Assert.Equal((0, "0 IPs taken over from 12:34:56:78:9a:bc\n"), (rmpeer.Code, rmpeer.Out));

        // An address taken by a claim that needs no network (the expose test below needs root).
        var peerName = File.ReadAllText(Path.Combine(d.Directory.FullName, "peername")).Trim();
        using (var client = await d.Connect())
        {
            Assert.Equal(peerName, client.PeerName);
            var reply = await client.Claim("test-ident", "10.253.0.7/24", isContainer: false, noErrorOnUnknown: false);
            Assert.True(reply.IsOk, reply.Error);
        }
        Assert.Equal("10.253.0.7/24", await d.IpamAddresses("test-ident"));
        // weave ps shows the bridge, not IPAM: no bridge here, nothing shown.
        var noBridge = await d.Run("ps");
        Assert.Equal((0, ""), (noBridge.Code, noBridge.Out));

        var stop = await d.Run("stop");
        Assert.Equal(0, stop.Code);
        Assert.Equal(1, (await d.Run("status")).Code);

        var relaunch = await d.Launch();
        Assert.True(relaunch.Code == 0, relaunch.Err);
        Assert.Equal(peerName + "\n", relaunch.Out);
        Assert.Equal("10.253.0.7/24", await d.IpamAddresses("test-ident"));

        var reset = await d.Run("reset");
        Assert.True(reset.Code == 0, reset.Err);
        Assert.False(File.Exists(Path.Combine(d.Directory.FullName, "peername")));
        Assert.False(File.Exists(Path.Combine(d.Directory.FullName, "weaver.pid")));
        Assert.Equal(1, (await d.Run("status")).Code);
    }

    [Fact]
    public async Task Launch_in_the_foreground_serves_until_stopped()
    {
        await using var d = LaunchedDaemon.Prepare("10.246.0.0/24", null, new DaemonLaunchOptions());
        var foreground = d.LaunchInForeground();
        var clock = Stopwatch.StartNew();
        while ((await d.Run("status")).Code != 0)
        {
            if (foreground.IsCompleted)
                Assert.Fail($"the foreground launch returned: {(await foreground).Err}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the foreground daemon did not answer weave status within 90 s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        Assert.False(foreground.IsCompleted);
        Assert.True(File.Exists(d.PidFile));
        var prime = await d.Run("prime");
        Assert.True(prime.Code == 0, prime.Err);

        var stop = await d.Run("stop");
        Assert.True(stop.Code == 0, stop.Err);
        var (code, _, err) = await foreground.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, err);
        Assert.False(File.Exists(d.PidFile));
    }

    [Fact]
    public async Task Reset_of_a_peer_that_is_not_running_is_refused_without_force()
    {
        await using var d = await LaunchedDaemon.Start("10.239.0.0/24");
        var prime = await d.Run("prime");
        Assert.True(prime.Code == 0, prime.Err);
        var stop = await d.Run("stop");
        Assert.True(stop.Code == 0, stop.Err);

        // Its ranges would be orphaned: nobody is told they are free.
        var refused = await d.Run("reset");
        Assert.Equal(1, refused.Code);
        Assert.StartsWith("weave: weave is not running", refused.Err, StringComparison.Ordinal);
        Assert.Single(refused.Err.TrimEnd('\n').Split('\n'));
        Assert.NotNull(d.PeerName);

        var forced = await d.Run("reset", "--force");
        Assert.True(forced.Code == 0, forced.Err);
        Assert.Null(d.PeerName);

        // Nothing left to orphan: a second reset has nothing to refuse.
        var again = await d.Run("reset");
        Assert.True(again.Code == 0, again.Err);
    }

    [SkippableFact]
    public async Task Expose_and_hide_on_a_test_bridge()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        await using var d = await LaunchedDaemon.Start("10.252.0.0/24");
        var bridge = "wotest" + Random.Shared.Next(0x10000).ToString("x4", CultureInfo.InvariantCulture);
        try
        {
            var expose = await d.Run("expose", "--bridge", bridge);
            Assert.True(expose.Code == 0, expose.Err);
            // A bare address, as Weave's script prints it.
            var address = expose.Out.Trim();
            Assert.Matches(@"^10\.252\.0\.\d+$", address);
            Assert.Contains(Ipam.Addresses.Cidr.Parse(address + "/24"), await new Network.NetworkAttacher().HostAddresses(bridge));
            Assert.Matches($"^weave:expose [0-9a-f:]{{17}} {Regex.Escape(address)}/24\n$", (await d.Run("ps", "--bridge", bridge)).Out);

            var claimed = await d.Run("expose", "ip:10.252.0.200/24", "--bridge", bridge);
            Assert.True(claimed.Code == 0, claimed.Err);
            Assert.Equal("10.252.0.200\n", claimed.Out);
            Assert.Matches($"^weave:expose [0-9a-f:]{{17}} {Regex.Escape(address)}/24 10\\.252\\.0\\.200/24\n$", (await d.Run("ps", "--bridge", bridge)).Out);

            var hide = await d.Run("hide", "--bridge", bridge);
            Assert.True(hide.Code == 0, hide.Err);
            Assert.Equal($"{address} 10.252.0.200\n", hide.Out);
            Assert.Empty(await new Network.NetworkAttacher().HostAddresses(bridge));
            // The bridge is still there, with no address of its own.
            Assert.Matches("^weave:expose [0-9a-f:]{17}\n$", (await d.Run("ps", "--bridge", bridge)).Out);
        }
        finally
        {
            await new Network.NetworkAttacher().DeleteBridge(bridge);
        }
    }
}
