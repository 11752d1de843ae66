using System.CommandLine;
using WeaveOrleans.Contract;
using WeaveOrleans.Contract.Text;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Cli;

public sealed partial class WeaveCli
{
    private static readonly TimeSpan LaunchDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private Command LaunchCommand()
    {
        var command = new Command("launch", "Start the weave daemon (weaver) in the background and wait until it answers; prints the peer name. Exits 0 if it already runs.");
        var peers = new Argument<string[]>("PEER") { Description = "Peers to connect to (host[:port])", Arity = ArgumentArity.ZeroOrMore };
        var range = new Option<string?>("--ipalloc-range", "--iprange", "-iprange") { Description = $"IP range to allocate from (default {DaemonDefaults.IpallocRange})" };
        var init = new Option<string?>("--ipalloc-init") { Description = "consensus[=N] | seed=NAME,... | observer" };
        var initPeerCount = new Option<string?>("--initpeercount", "-initpeercount") { Description = "Number of peers in the initial consensus" };
        var defaultSubnet = new Option<string?>("--ipalloc-default-subnet") { Description = "Subnet to allocate from when none is given" };
        var name = new Option<string?>("--name") { Description = "Peer name (aa:bb:cc:dd:ee:ff); kept in the data dir when not given" };
        var nickname = new Option<string?>("--nickname") { Description = "Peer nickname (default: host name)" };
        var password = new Option<string?>("--password") { Description = "Shared secret for peer connections" };
        var port = new Option<string?>("--port") { Description = $"Peer transport port (default {DaemonDefaults.PeerPort})" };
        var httpAddr = new Option<string?>("--http-addr") { Description = $"HTTP API, the only listener that changes state: IP:port and/or an absolute unix socket path, comma-separated (default {DaemonDefaults.HttpAddr})" };
        var statusAddr = new Option<string?>("--status-addr") { Description = $"Read-only status, report and metrics listener, safe to expose (default {DaemonDefaults.StatusAddr}; 'off' for none)" };
        var metricsAddr = new Option<string?>("--metrics-addr") { Description = "Listener serving GET /metrics alone (default off)" };
        var dashboardAddr = new Option<string?>("--dashboard-addr") { Description = $"Orleans dashboard and IPAM page (default {DaemonDefaults.DashboardAddr}; 'off' for none); a non-loopback address needs --dashboard-password" };
        var dashboardPassword = new Option<string?>("--dashboard-password") { Description = "Password for the dashboard (HTTP basic auth, user --dashboard-user, default admin)" };
        var dashboardUser = new Option<string?>("--dashboard-user") { Description = "User name for the dashboard (default admin)" };
        var allowedHosts = new Option<string?>("--allowed-hosts") { Description = "Host names the listeners answer to besides IP addresses and localhost, comma-separated" };
        var siloPort = new Option<string?>("--silo-port") { Description = $"Loopback Orleans silo port (default {DaemonDefaults.SiloPort})" };
        var config = new Option<string?>("--config") { Description = "Daemon JSON settings file" };
        var grace = new Option<string?>("--container-grace") { Description = "Seconds a dead container keeps its addresses (default 30)" };
        var tick = new Option<string?>("--tick-interval") { Description = "Seconds between allocator ticks (default 5)" };
        var gossip = new Option<string?>("--gossip-interval") { Description = "Seconds between periodic gossip rounds (default 30)" };
        var connLimit = new Option<string?>("--conn-limit") { Description = $"At most this many peer connections; 0 for no limit (default {DaemonDefaults.ConnectionLimit})" };
        var logLevel = new Option<string?>("--log-level") { Description = "debug | info | warning | error (default info)" };
        var foreground = new Option<bool>("--foreground") { Description = "Run the daemon in the foreground and wait for it" };
        var noRestart = new Option<bool>("--no-restart") { Description = "Do not start the daemon again when it dies (by default a supervisor restarts it after a crash or kill, not after weave stop)" };
        var noDiscovery = new Option<bool>("--no-discovery") { Description = "Dial only the peers given (launch, connect), never addresses learned from peers" };
        var pluginSocket = new Option<string?>("--plugin-socket") { Description = $"Serve Docker's IPAM driver on this unix socket; Docker names the driver after the file (default, as root: {DockerPluginSocket.DefaultPath}, the driver 'weave')" };
        var noPlugin = new Option<bool>("--no-plugin") { Description = "Do not serve Docker's IPAM driver (also $WEAVE_NO_PLUGIN)" };
        var passThrough = new[] { range, init, initPeerCount, defaultSubnet, name, nickname, password, port, httpAddr, statusAddr, metricsAddr, dashboardAddr, dashboardPassword, dashboardUser, allowedHosts, siloPort, config, grace, tick, gossip, connLimit, logLevel };
        command.Arguments.Add(peers);
        foreach (var o in passThrough)
            command.Options.Add(o);
        command.Options.Add(foreground);
        command.Options.Add(noRestart);
        command.Options.Add(noDiscovery);
        command.Options.Add(pluginSocket);
        command.Options.Add(noPlugin);
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var peerArgs = parsed.GetValue(peers) ?? [];
            if (peerArgs.FirstOrDefault(p => p.StartsWith('-')) is { } unknown)
                throw new CliException($"unrecognized option \"{unknown}\" (see weave launch --help)");
            var plugin = DockerPluginSocket.Choose(parsed.GetValue(pluginSocket), parsed.GetValue(noPlugin), _env("WEAVE_NO_PLUGIN"), Environment.IsPrivilegedProcess);

            // The range must not collide with a route of this host: an error for the default, a warning for a given one.
            var rangeText = parsed.GetValue(range) ?? _env("WEAVE_IPALLOC_RANGE");
            var userRange = !string.IsNullOrWhiteSpace(rangeText);
            if (!Cidr.TryParse(userRange ? rangeText : DaemonDefaults.IpallocRange, out var cidr, out var rangeError))
                throw new CliException($"invalid --ipalloc-range \"{rangeText}\": {rangeError}");
            if (HostRoutes.FindOverlap(cidr, HostRoutes.Read(), settings.Bridge) is { } route)
            {
                var what = $"range {cidr} overlaps with the route {route.Destination} on {route.Interface}";
                if (!userRange)
                    throw new CliException($"the default {what}; choose another with --ipalloc-range");
                _err.WriteLine($"weave: warning: {what}");
            }

            if ((DaemonProcess.RunningPid(settings.PidFile) ?? DaemonProcess.RunningPid(settings.SupervisorPidFile)) is { } running)
            {
                _out.WriteLine($"weave is already running (peer {settings.ReadPeerName() ?? "unknown"}, PID {running})");
                return 0;
            }
            if (await DaemonClient.PortAnswers(settings.GatewayPort, TimeSpan.FromSeconds(1), cancellation))
                throw new CliException($"gateway port {settings.GatewayPort} is already in use (another weave daemon with a different --data-dir?)");

            var arguments = new List<string> { "--data-dir", settings.DataDirectory, "--gateway-port", settings.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (settings.DockerEndpoint is { } docker)
                arguments.AddRange(["--docker-endpoint", docker]);
            // The daemon claims back what is in use on this bridge at every start.
            arguments.AddRange(["--bridge", settings.Bridge]);
            foreach (var o in passThrough)
                if (parsed.GetValue(o) is { } value)
                    arguments.AddRange([o.Name, value]);
            if (parsed.GetValue(noDiscovery))
                arguments.Add("--no-discovery");
            if (plugin is not null)
                arguments.AddRange(["--plugin-socket", plugin]);
            arguments.AddRange(peerArgs);

            var (program, leading) = DaemonProcess.Locate(_env);
            Directory.CreateDirectory(settings.DataDirectory);
            if (parsed.GetValue(foreground))
            {
                using var fg = DaemonProcess.StartForeground(program, [.. leading, .. arguments]);
                DaemonProcess.WritePid(settings.PidFile, fg.Id);
                try
                {
                    await fg.WaitForExitAsync(cancellation);
                }
                finally
                {
                    TryDelete(settings.PidFile);
                }
                return fg.ExitCode;
            }

            if (parsed.GetValue(noRestart))
            {
                using var alone = DaemonProcess.StartDetached(program, [.. leading, .. arguments], settings.LogFile);
                DaemonProcess.WritePid(settings.PidFile, alone.Id);
                _out.WriteLine(await WaitUntilServing(settings, alone, cancellation));
                return 0;
            }
            // The supervisor runs the daemon and starts it again if it dies; the daemon writes its own PID file.
            var (self, selfArgs) = DaemonProcess.Self();
            using var process = DaemonProcess.StartDetached(self,
                [.. selfArgs, "supervise", "--data-dir", settings.DataDirectory, "--", program, .. leading, .. arguments], settings.LogFile);
            var peerName = await WaitUntilServing(settings, process, cancellation);
            _out.WriteLine(peerName);
            return 0;
        });
        return command;
    }

    private async Task<string> WaitUntilServing(CliSettings settings, System.Diagnostics.Process process, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + LaunchDeadline;
        var dots = false;
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    TryDelete(settings.PidFile);
                    throw new CliException($"the weave daemon exited during start-up (code {process.ExitCode}): {LastLine(settings.LogFile)}");
                }
                using (var client = await DaemonClient.TryConnect(settings, TimeSpan.FromSeconds(10), cancellation))
                    if (client is not null)
                        return client.PeerName;
                if (DateTime.UtcNow > deadline)
                    throw new CliException($"the weave daemon did not answer within {LaunchDeadline.TotalSeconds:0} s (PID {process.Id}, log {settings.LogFile})");
                _err.Write('.');
                dots = true;
                await Task.Delay(500, cancellation);
            }
        }
        finally
        {
            if (dots)
                _err.WriteLine();
        }
    }

    private static string LastLine(string path)
    {
        try
        {
            return File.ReadLines(path).LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() ?? $"(nothing in {path})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(cannot read {path})";
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private Command StopCommand()
    {
        var command = new Command("stop", "Stop the weave daemon (SIGTERM to the PID in <data-dir>/weaver.pid, then wait).");
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            await StopDaemon(settings, cancellation);
            return 0;
        });
        return command;
    }

    private async Task<bool> StopDaemon(CliSettings settings, CancellationToken cancellation)
    {
        var daemon = DaemonProcess.RunningPid(settings.PidFile);
        var supervisor = DaemonProcess.RunningPid(settings.SupervisorPidFile);
        if (daemon is null && supervisor is null)
        {
            TryDelete(settings.PidFile);
            _err.WriteLine("weave is not running");
            return false;
        }
        // The supervisor first, so that it does not take the daemon's exit for a crash; it passes SIGTERM on.
        foreach (var pid in new[] { supervisor, daemon }.OfType<int>())
            if (await DaemonProcess.Stop(pid, StopGrace, cancellation))
                _err.WriteLine($"weave: PID {pid} ignored SIGTERM for {StopGrace.TotalSeconds:0} s and was killed");
        TryDelete(settings.PidFile);
        TryDelete(settings.SupervisorPidFile);
        return true;
    }

    private Command ResetCommand()
    {
        var command = new Command("reset", "Hand this peer's ranges to the others, stop the daemon, take this host's addresses off the bridge and delete its state (peer name, allocations).");
        var force = new Option<bool>("--force") { Description = "Go on even if the daemon cannot hand its ranges over" };
        command.Options.Add(force);
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var inspector = new Network.NetworkInspector();
            var attacher = new Network.NetworkAttacher();
            // Checked before anything changes: a reset that cannot clear the bridge must not get halfway.
            if (await ExposedAddresses(inspector, settings, cancellation) is { Count: > 0 } exposed && !Environment.IsPrivilegedProcess)
                throw new CliException($"reset: taking {string.Join(' ', exposed)} off bridge '{settings.Bridge}' needs root");
            try
            {
                var reply = await WithDaemon(settings, c => c.Shutdown(), cancellation);
                if (!reply.IsOk)
                    throw new CliException($"reset: {reply.Error ?? reply.Kind.ToString()}");
                await Task.Delay(500, cancellation);
            }
            catch (CliException e) when (parsed.GetValue(force) || DaemonProcess.RunningPid(settings.PidFile) is null)
            {
                // As Weave: a stopped peer with state cannot hand its ranges over, and deleting that state would
                // orphan them; without any state there is nothing to hand over (already reset).
                if (!parsed.GetValue(force) && StateFiles(settings).Any(p => File.Exists(p) || Directory.Exists(p)))
                    throw new CliException("weave is not running, so its ranges cannot be handed to the other peers: launch it again before reset, or use --force to override");
                _err.WriteLine($"weave: warning: {e.Message}");
            }
            await StopDaemon(settings, cancellation);
            // Only weave expose puts addresses on the bridge. Left there, they would be handed out again by the
            // next ring (or claimed back by the next launch for an ident nobody uses any more).
            foreach (var cidr in await ExposedAddresses(inspector, settings, cancellation) ?? [])
                await NetworkCall(() => attacher.Hide(cidr, settings.Bridge, cancellation));
            foreach (var path in StateFiles(settings))
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
                else
                    TryDelete(path);
            }
            TryDelete(settings.PidFile);
            return 0;
        });
        return command;
    }

    /// <summary>What makes up a peer's state in the data directory (its name, its allocations): what reset deletes.</summary>
    private static IEnumerable<string> StateFiles(CliSettings settings) =>
        DataDirectoryLayout.StateFileNames.Select(name => Path.Combine(settings.DataDirectory, name));

    /// <summary>The addresses on this host's bridge; null when there is no bridge.</summary>
    private static async Task<IReadOnlyList<Cidr>?> ExposedAddresses(Network.NetworkInspector inspector, CliSettings settings, CancellationToken cancellation)
    {
        IReadOnlyList<Cidr>? found = null;
        await NetworkCall(async () => found = await inspector.HostAddressesIfPresent(settings.Bridge, cancellation));
        return found;
    }

    private Command RmpeerCommand()
    {
        var command = new Command("rmpeer", "Take over the ranges of dead peers (by name or nickname).");
        var names = new Argument<string[]>("PEER") { Description = "Peer names or nicknames", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(names);
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var failed = false;
            using var client = await DaemonClient.Connect(settings, settings.Timeout, cancellation);
            foreach (var name in parsed.GetValue(names) ?? [])
            {
                var reply = await client.RemovePeer(name);
                if (reply.IsOk)
                    _out.Write(reply.Text is { } t ? (t.EndsWith('\n') ? t : t + "\n") : IpamText.TakenOver(UInt128.Zero, name));
                else
                {
                    _err.WriteLine($"weave: rmpeer {name}: {reply.Error}");
                    failed = true;
                }
            }
            return failed ? 1 : 0;
        });
        return command;
    }

    private Command PrimeCommand()
    {
        var command = new Command("prime", "Wait until the peers agree on the ring (consensus), so that allocations need not wait.");
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
            var reply = await Waiting(client, settings, ct => client.Prime(ct), "the ring", cancellation);
            if (!reply.IsOk)
                throw new CliException($"prime: {reply.Error}");
            return 0;
        });
        return command;
    }

    /// <summary>Runs a call that may wait for consensus, cancelling it after the timeout and then reporting the daemon's status line.</summary>
    private static async Task<DaemonReply> Waiting(DaemonClient client, CliSettings settings, Func<CancellationToken, Task<DaemonReply>> call, string what, CancellationToken cancellation)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(settings.Timeout);
        DaemonReply reply;
        try
        {
            reply = await call(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            reply = new DaemonReply(DaemonReplyKind.Cancelled);
        }
        if (reply.Kind == DaemonReplyKind.Cancelled && !cancellation.IsCancellationRequested)
        {
            var status = await client.Status();
            throw new CliException($"timed out after {settings.Timeout.TotalSeconds:0} s waiting for {what}: {status.Line}");
        }
        return reply;
    }

    private Command StatusCommand()
    {
        var command = new Command("status", "Show the daemon's status (Weave's /status text, framed by empty lines).");
        command.SetAction((parsed, cancellation) => PrintStatusText(parsed, "status", framed: true, cancellation));
        AddRouterStatusCommands(command);
        var ipam = new Command("ipam", "Show which peer owns which part of the range (one line per peer).");
        ipam.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var s = await WithDaemon(settings, c => c.Status(), cancellation);
            _out.Write(IpamText.Body(s.RangeReport));
            return 0;
        });
        command.Subcommands.Add(ipam);
        return command;
    }
}
