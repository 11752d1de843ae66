using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Contract;
using WeaveOrleans.Host.Gossip;
using WeaveOrleans.Host.Listeners;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Host;

/// <summary>Bad launch input: the daemon prints the message as one line and exits with code 2.</summary>
public sealed class LaunchException(string message) : Exception(message);

/// <summary>
/// What the daemon runs with, resolved from (highest first) the command line, WEAVE_* environment
/// variables, the JSON settings file, and built-in defaults. Setting keys ignore case, dashes and
/// underscores: --ipalloc-range, "ipallocRange" in JSON and WEAVE_IPALLOC_RANGE are one setting.
/// </summary>
public sealed record LaunchSettings(
    HostOptions Host,
    ListenerPlan Listeners,
    int SiloPort,
    int GatewayPort,
    string? DockerEndpoint = null,
    string Bridge = DaemonDefaults.Bridge,
    LogLevel LogLevel = LogLevel.Information)
{
    /// <summary>Whether to follow Docker events at all (<c>--docker-endpoint none</c> turns it off).</summary>
    public bool Docker => !string.Equals(DockerEndpoint, "none", StringComparison.OrdinalIgnoreCase);

    public string ClusterId => OrleansCluster.ClusterId(Host.PeerName.ToString());

    public static string Normalize(string key) =>
        new([.. key.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    /// <summary>Reads and checks everything; throws <see cref="LaunchException"/> for bad input.</summary>
    public static LaunchSettings Resolve(ParseResult parsed, WeaverCommandLine cli, IDictionary environment, string workingDirectory)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var peers = new List<string>();

        var configPath = parsed.GetValue(cli.Config) ?? EnvValue(environment, "WEAVE_CONFIG");
        if (configPath is null && File.Exists(Path.Combine(workingDirectory, "config", "weaver.json")))
            configPath = Path.Combine(workingDirectory, "config", "weaver.json");
        if (configPath is not null)
            ReadJson(configPath, settings, peers);

        foreach (DictionaryEntry e in environment)
            if (e.Key is string k && k.StartsWith("WEAVE_", StringComparison.OrdinalIgnoreCase) && e.Value is string v)
            {
                var key = Normalize(k["WEAVE_".Length..]);
                if (key == "peers")
                    peers = [.. v.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)];
                else
                    settings[key] = v;
            }

        foreach (var (option, key) in cli.Keyed())
            if (parsed.GetValue(option) is { } value)
                settings[key] = value;
        if (parsed.GetValue(cli.NoDiscovery))
            settings["nodiscovery"] = "true";
        var cliPeers = parsed.GetValue(cli.Peers) ?? [];
        if (cliPeers.FirstOrDefault(p => p.StartsWith('-')) is { } unknown)
            throw new LaunchException($"unrecognized option \"{unknown}\" (see --help)");
        if (cliPeers.Length > 0)
            peers = [.. cliPeers];

        string? Get(string key) => settings.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var range = Cidr.Parse(DaemonDefaults.IpallocRange);
        if ((Get("ipallocrange") ?? Get("iprange")) is { } rangeText)
            range = ParseCidr("--ipalloc-range", rangeText);
        Cidr? defaultSubnet = Get("ipallocdefaultsubnet") is { } subnetText ? ParseCidr("--ipalloc-default-subnet", subnetText) : null;

        var dataDir = Path.GetFullPath(Get("datadir") ?? DataDirectoryLayout.DefaultDataDirectory(workingDirectory));
        var storage = (Get("storage") ?? "sqlite").ToLowerInvariant();
        if (storage is not ("sqlite" or "postgres"))
            throw new LaunchException($"invalid --storage \"{storage}\": expected sqlite or postgres");
        var connection = Get("storageconnection");
        if (storage == "postgres" && connection is null)
            throw new LaunchException("--storage postgres needs --storage-connection");

        var listenHost = Get("host") ?? "0.0.0.0";
        if (!IPAddress.TryParse(listenHost, out _))
            throw new LaunchException($"invalid --host \"{listenHost}\": expected an IP address");

        var normalizedPeers = peers.Select(p => NormalizePeer(p)).ToList();
        // Weave's restart takes the peers stored by connect and forget; so does --resume here, and so
        // does a start that names no peers at all (a restart by hand or by a supervisor).
        var resume = parsed.GetValue(cli.Resume);
        if (resume && normalizedPeers.Count > 0)
            throw new LaunchException("you must not give peers together with --resume");
        if (normalizedPeers.Count == 0 && TargetsFile.Load(dataDir) is { } stored)
            normalizedPeers = [.. stored];
        var host = new HostOptions
        {
            PeerName = Get("name") is { } name ? ParsePeerName(name) : PeerNameFile.LoadOrCreate(dataDir),
            Nickname = Get("nickname") ?? Environment.MachineName,
            Range = range,
            DefaultSubnet = defaultSubnet,
            InitText = Get("ipallocinit"),
            InitPeerCount = Get("initpeercount") is { } count ? ParseInt("-initpeercount", count, 1, 100_000) : null,
            Peers = normalizedPeers,
            TickInterval = Seconds("--tick-interval", Get("tickinterval"), 5),
            GossipInterval = Seconds("--gossip-interval", Get("gossipinterval"), 30),
            ContainerDeathGrace = Seconds("--container-grace", Get("containergrace"), 30, allowZero: true),
            DataDirectory = dataDir,
            StorageProvider = storage,
            StorageConnection = connection,
            Password = Get("password"),
            ListenHost = listenHost,
            ListenPort = Get("port") is { } port ? ParseInt("--port", port, 1, 65535) : DaemonDefaults.PeerPort,
            PeerDiscovery = !Flag("--no-discovery", Get("nodiscovery")),
            ConnectionLimit = Get("connlimit") is { } limit ? ParseInt("--conn-limit", limit, 0, 100_000) : DaemonDefaults.ConnectionLimit,
            ConnectionRotationInterval = Seconds("--conn-rotation-interval", Get("connrotationinterval"), 30, allowZero: true),
        };
        try
        {
            host.ToAllocatorConfig();
        }
        catch (Exception e) when (e is IpamFormatException or ArgumentException)
        {
            throw new LaunchException(e.Message);
        }

        return new LaunchSettings(
            host,
            ListenerPlan.Resolve(Get, dataDir),
            Get("siloport") is { } silo ? ParseInt("--silo-port", silo, 1, 65535) : DaemonDefaults.SiloPort,
            Get("gatewayport") is { } gateway ? ParseInt("--gateway-port", gateway, 1, 65535) : DaemonDefaults.GatewayPort,
            Get("dockerendpoint"),
            ParseBridge(Get("bridge") ?? DaemonDefaults.Bridge),
            ParseLogLevel(Get("loglevel")));
    }

    private static string ParseBridge(string text) =>
        text.Length <= 15 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !text.StartsWith('-')
            ? text
            : throw new LaunchException($"invalid --bridge \"{text}\": expected an interface name of at most 15 letters, digits, '-', '_' or '.'");

    private static bool Flag(string flag, string? text) =>
        text is null ? false
        : bool.TryParse(text, out var value) ? value
        : throw new LaunchException($"invalid {flag} \"{text}\": expected true or false");

    /// <summary>Weave's --log-level words (logrus', ignoring case).</summary>
    public static LogLevel ParseLogLevel(string? text) => text?.ToLowerInvariant() switch
    {
        null or "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "panic" => LogLevel.Critical,
        _ => throw new LaunchException($"invalid --log-level \"{text}\": expected debug, info, warning or error"),
    };

    private static string? EnvValue(IDictionary environment, string name) =>
        environment.Contains(name) ? environment[name] as string : null;

    private static void ReadJson(string path, Dictionary<string, string> settings, List<string> peers)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new LaunchException($"cannot read settings file {path}: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new LaunchException($"settings file {path}: expected a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var key = Normalize(property.Name);
                var value = property.Value;
                if (key == "peers")
                {
                    if (value.ValueKind != JsonValueKind.Array)
                        throw new LaunchException($"settings file {path}: \"peers\" must be an array of host[:port]");
                    peers.Clear();
                    peers.AddRange(value.EnumerateArray().Select(p => p.ToString()));
                }
                else if (value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    settings[key] = value.ToString();
                else if (value.ValueKind != JsonValueKind.Null)
                    throw new LaunchException($"settings file {path}: \"{property.Name}\" must be a string or number");
            }
        }
    }

    private static Cidr ParseCidr(string flag, string text) =>
        Cidr.TryParse(text, out var cidr, out var error) ? cidr : throw new LaunchException($"invalid {flag} \"{text}\": {error}");

    private static PeerName ParsePeerName(string text) =>
        PeerName.TryParse(text, out var name, out var error) && name != PeerName.None
            ? name
            : throw new LaunchException($"invalid --name: {(name == PeerName.None && error == "" ? "00:00:00:00:00:00 is reserved" : error)}");

    private static int ParseInt(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new LaunchException($"invalid {flag} \"{text}\": expected a whole number from {min} to {max}");

    private static TimeSpan Seconds(string flag, string? text, double fallback, bool allowZero = false)
    {
        if (text is null)
            return TimeSpan.FromSeconds(fallback);
        var trimmed = text.EndsWith('s') ? text[..^1] : text;
        if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && (s > 0 || (allowZero && s == 0)) && s < 86_400)
            return TimeSpan.FromSeconds(s);
        throw new LaunchException($"invalid {flag} \"{text}\": expected a number of seconds");
    }

    /// <summary>host or host:port (port defaults to 6783); [v6]:port for IPv6.</summary>
    public static string NormalizePeer(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
            throw new LaunchException("invalid peer \"\": expected host[:port]");
        var bracketed = t.StartsWith('[');
        var colon = t.LastIndexOf(':');
        var hasPort = bracketed ? t.Contains("]:", StringComparison.Ordinal) : colon > 0 && t.IndexOf(':') == colon;
        if (!bracketed && !hasPort && t.Contains(':'))
            throw new LaunchException($"invalid peer \"{text}\": write IPv6 addresses as [addr]:port");
        if (!hasPort)
            return $"{t}:{DaemonDefaults.PeerPort}";
        var port = t[(t.LastIndexOf(':') + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            throw new LaunchException($"invalid peer \"{text}\": bad port \"{port}\"");
        return t;
    }
}
