using System.CommandLine;
using System.Diagnostics;
using WeaveOrleans.Contract;

namespace WeaveOrleans.Cli;

/// <summary>
/// The <c>weave</c> command line. Exit codes: 0 success, 1 failure (one line "weave: ..." on stderr),
/// 2 bad arguments. <c>weave launch</c> when the daemon of that data dir already runs prints
/// "weave is already running (peer NAME)" and exits 0, so launching is idempotent.
/// </summary>
public sealed partial class WeaveCli
{
    public const string ExposeIdent = "weave:expose";

    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Func<string, string?> _env;

    public WeaveCli(TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        _out = output;
        _err = error;
        _env = environment;
        Root = Build();
    }

    public RootCommand Root { get; }

    // Options every command takes.
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = $"Daemon data directory (default $WEAVE_DATA_DIR, else {DataDirectoryLayout.RootDataDirectory} as root, else ./{DataDirectoryLayout.UserDataDirectory})", Recursive = true };
    private readonly Option<string?> _gatewayPort = new("--gateway-port") { Description = $"Daemon's loopback Orleans gateway port (default $WEAVE_GATEWAY_PORT, else {DaemonDefaults.GatewayPort})", Recursive = true };
    private readonly Option<string?> _dockerEndpoint = new("--docker-endpoint") { Description = "Docker API endpoint (default $DOCKER_HOST, else unix:///var/run/docker.sock; 'none': no Docker)", Recursive = true };
    private readonly Option<string?> _bridge = new("--bridge") { Description = $"Bridge to attach to (default $WEAVE_BRIDGE, else {DaemonDefaults.Bridge})", Recursive = true };
    private readonly Option<string?> _timeout = new("--timeout") { Description = "Seconds to wait for an address, a ring or a consensus (default 30)", Recursive = true };

    public async Task<int> RunAsync(string[] args, CancellationToken cancellation = default)
    {
        args = SeparateRunArguments(args);
        var parsed = Root.Parse(args);
        // Help wins over a missing argument of a known command (weave attach --help), never over a word that is
        // not a command or argument (weave dns-add ... -h NAME: the parser drops its errors once it sees a help flag).
        var helpAsked = args.TakeWhile(a => a != "--").Any(a => a is "--help" or "-h" or "-?");
        var error = parsed.Errors.Count > 0 && !helpAsked ? parsed.Errors[0].Message
            : parsed.UnmatchedTokens.Count > 0 ? $"Unrecognized command or argument '{parsed.UnmatchedTokens[0]}'."
            : null;
        if (error is not null)
        {
            _err.WriteLine($"weave: {error}");
            _err.WriteLine($"Try 'weave {string.Join(' ', CommandPath(parsed.CommandResult.Command))}--help'.");
            // Weave's script exits 1 for usage errors, bad addresses and refused requests alike; scripts test for it.
            return 1;
        }
        var configuration = new InvocationConfiguration
        {
            Output = _out,
            Error = _err,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellation);
        }
        catch (CliException e)
        {
            _err.WriteLine($"weave: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            _err.WriteLine("weave: interrupted");
            return 130;
        }
        catch (Exception e)
        {
            _err.WriteLine($"weave: {Describe(e)}");
            return 1;
        }
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c.Name + " ");
        return names;
    }

    internal static string Describe(Exception e)
    {
        var b = e.GetBaseException();
        return b switch
        {
            TimeoutException => "the weave daemon did not answer in time: " + b.Message,
            _ => b.Message,
        };
    }

    /// <summary>
    /// <c>weave run [OPTIONS] [ADDR...] IMAGE [CMD...]</c>: everything after weave's own options is for Docker, so
    /// a <c>--</c> is inserted there and Docker's options are not mistaken for weave's.
    /// </summary>
    internal static string[] SeparateRunArguments(string[] args)
    {
        var i = Array.IndexOf(args, "run");
        if (i < 0 || args.Contains("--"))
            return args;
        var withValue = new HashSet<string> { "--data-dir", "--gateway-port", "--docker-endpoint", "--bridge", "--timeout" };
        for (var j = 0; j < i; j++)
            if (!args[j].StartsWith('-') && !(j > 0 && withValue.Contains(args[j - 1])))
                return args; // "run" is not the command word
        var k = i + 1;
        while (k < args.Length)
        {
            if (withValue.Contains(args[k]) && k + 1 < args.Length)
                k += 2;
            else if (args[k] is "--help" or "-h" or "-?" || (args[k].StartsWith("--", StringComparison.Ordinal) && args[k].Contains('=') && withValue.Contains(args[k][..args[k].IndexOf('=')])))
                k++;
            else
                break;
        }
        return [.. args[..k], "--", .. args[k..]];
    }

    internal CliSettings Settings(ParseResult parsed)
    {
        var dataDir = parsed.GetValue(_dataDir) ?? _env("WEAVE_DATA_DIR");
        dataDir = Path.GetFullPath(string.IsNullOrWhiteSpace(dataDir) ? CliSettings.DefaultDataDirectory() : dataDir);
        var portText = parsed.GetValue(_gatewayPort) ?? _env("WEAVE_GATEWAY_PORT");
        var port = string.IsNullOrWhiteSpace(portText) ? DaemonDefaults.GatewayPort : CliSettings.ParsePort("--gateway-port", portText);
        var docker = parsed.GetValue(_dockerEndpoint) ?? _env("WEAVE_DOCKER_ENDPOINT");
        var bridge = parsed.GetValue(_bridge) ?? _env("WEAVE_BRIDGE");
        if (string.IsNullOrWhiteSpace(bridge))
            bridge = DaemonDefaults.Bridge;
        if (bridge.Length > 15 || !bridge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new CliException($"invalid --bridge \"{bridge}\": expected an interface name of at most 15 letters, digits, '-', '_' or '.'");
        var timeoutText = parsed.GetValue(_timeout);
        var timeout = timeoutText is null ? TimeSpan.FromSeconds(30) : CliSettings.ParseSeconds("--timeout", timeoutText);
        return new CliSettings(dataDir, port, string.IsNullOrWhiteSpace(docker) ? null : docker.Trim(), bridge, timeout);
    }

    private RootCommand Build()
    {
        var root = new RootCommand("weave: manage this host's WeaveOrleans IPAM daemon and attach containers to the weave network");
        foreach (var o in new Option[] { _dataDir, _gatewayPort, _dockerEndpoint, _bridge, _timeout })
            root.Options.Add(o);
        root.Subcommands.Add(LaunchCommand());
        root.Subcommands.Add(StopCommand());
        root.Subcommands.Add(SuperviseCommand());
        root.Subcommands.Add(ResetCommand());
        root.Subcommands.Add(RmpeerCommand());
        root.Subcommands.Add(PrimeCommand());
        root.Subcommands.Add(StatusCommand());
        root.Subcommands.Add(ConnectCommand());
        root.Subcommands.Add(ForgetCommand());
        root.Subcommands.Add(VersionCommand());
        root.Subcommands.Add(ReportCommand());
        root.Subcommands.Add(PsCommand());
        root.Subcommands.Add(RunCommand());
        root.Subcommands.Add(StartCommand());
        root.Subcommands.Add(AttachCommand());
        root.Subcommands.Add(DetachCommand());
        root.Subcommands.Add(ExposeCommand());
        root.Subcommands.Add(HideCommand());
        root.SetAction(_ =>
        {
            _err.WriteLine("weave: a command is needed (see weave --help)");
            return 1;
        });
        return root;
    }

    /// <summary>Runs <paramref name="call"/> against the daemon, connected with a response timeout a little over the operation timeout.</summary>
    private async Task<T> WithDaemon<T>(CliSettings settings, Func<DaemonClient, Task<T>> call, CancellationToken cancellation)
    {
        using var client = await DaemonClient.Connect(settings, settings.Timeout + TimeSpan.FromSeconds(10), cancellation);
        return await call(client);
    }

    internal static Stopwatch StartClock() => Stopwatch.StartNew();
}
