using System.CommandLine;
using WeaveOrleans.Contract;

namespace WeaveOrleans.Host;

/// <summary>The weaver command line, with the Weave router's flag names. Values are read as text and checked by <see cref="LaunchSettings"/>.</summary>
public sealed class WeaverCommandLine
{
    public WeaverCommandLine()
    {
        Root = new RootCommand("WeaveOrleans host daemon: one host's IPAM peer (single-silo Orleans cluster, peer gossip, HTTP API, dashboard)");
        foreach (var option in Options)
            Root.Options.Add(option);
        Root.Options.Add(NoDiscovery);
        Root.Options.Add(Resume);
        Root.Arguments.Add(Peers);
    }

    public RootCommand Root { get; }

    public Option<string?> Config { get; } = new("--config") { Description = "JSON settings file (default: $WEAVE_CONFIG, else ./config/weaver.json if present)" };
    public Option<string?> Name { get; } = new("--name") { Description = "Peer name (aa:bb:cc:dd:ee:ff); generated and kept in the data dir when not given" };
    public Option<string?> Nickname { get; } = new("--nickname") { Description = "Peer nickname (default: host name)" };
    public Option<string?> Host { get; } = new("--host") { Description = "Address the peer transport listens on (default 0.0.0.0)" };
    public Option<string?> Port { get; } = new("--port") { Description = $"Port the peer transport listens on (default {DaemonDefaults.PeerPort})" };
    public Option<string?> HttpAddr { get; } = new("--http-addr") { Description = $"HTTP API, the only listener that changes state: IP:port and/or an absolute unix socket path, comma-separated (default {DaemonDefaults.HttpAddr})" };
    public Option<string?> StatusAddr { get; } = new("--status-addr") { Description = $"Read-only status, report and metrics listener, safe to expose (default {DaemonDefaults.StatusAddr}; 'off' for none)" };
    public Option<string?> MetricsAddr { get; } = new("--metrics-addr") { Description = "Listener serving GET /metrics alone (default off)" };
    public Option<string?> DashboardAddr { get; } = new("--dashboard-addr") { Description = $"Orleans dashboard and IPAM page (default {DaemonDefaults.DashboardAddr}; 'off' for none); a non-loopback address needs --dashboard-password" };
    public Option<string?> DashboardUser { get; } = new("--dashboard-user") { Description = "User name for the dashboard's basic authentication (default admin)" };
    public Option<string?> DashboardPassword { get; } = new("--dashboard-password") { Description = "Password for the dashboard (HTTP basic auth on every route of it; or $WEAVE_DASHBOARD_PASSWORD)" };
    public Option<string?> AllowedHosts { get; } = new("--allowed-hosts") { Description = "Host names the listeners answer to besides IP addresses and localhost, comma-separated (against DNS rebinding)" };
    public Option<string?> IpallocRange { get; } = new("--ipalloc-range", "--iprange") { Description = $"IP range to allocate from, in CIDR form (default {DaemonDefaults.IpallocRange})" };
    public Option<string?> IpallocInit { get; } = new("--ipalloc-init") { Description = "consensus[=N] | seed=NAME,... | observer" };
    public Option<string?> InitPeerCount { get; } = new("--initpeercount", "-initpeercount") { Description = "Number of peers in the initial consensus" };
    public Option<string?> DefaultSubnet { get; } = new("--ipalloc-default-subnet") { Description = "Subnet to allocate from when none is given (default: the whole range)" };
    public Option<string?> Password { get; } = new("--password") { Description = "Shared secret for peer connections (or $WEAVE_PASSWORD)" };
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = $"Where state is kept (default {DataDirectoryLayout.RootDataDirectory} as root, else ./{DataDirectoryLayout.UserDataDirectory})" };
    public Option<string?> Storage { get; } = new("--storage") { Description = "sqlite | postgres (default sqlite)" };
    public Option<string?> StorageConnection { get; } = new("--storage-connection") { Description = "PostgreSQL connection string" };
    public Option<string?> SiloPort { get; } = new("--silo-port") { Description = $"Loopback Orleans silo port (default {DaemonDefaults.SiloPort})" };
    public Option<string?> GatewayPort { get; } = new("--gateway-port") { Description = $"Loopback Orleans gateway port (default {DaemonDefaults.GatewayPort})" };
    public Option<string?> ConnLimit { get; } = new("--conn-limit") { Description = $"At most this many peer connections, dialled and accepted together; 0 for no limit (default {DaemonDefaults.ConnectionLimit})" };
    public Option<string?> ConnRotationInterval { get; } = new("--conn-rotation-interval") { Description = "Seconds between swaps of the oldest peer connection for another peer while at the connection limit; 0 for never (default 30)" };
    public Option<string?> TickInterval { get; } = new("--tick-interval") { Description = "Seconds between allocator ticks (default 5)" };
    public Option<string?> GossipInterval { get; } = new("--gossip-interval") { Description = "Seconds between periodic gossip rounds (default 30)" };
    public Option<string?> ContainerGrace { get; } = new("--container-grace") { Description = "Seconds a dead container keeps its addresses (default 30)" };
    public Option<string?> DockerEndpoint { get; } = new("--docker-endpoint") { Description = "Docker API to follow container events from (default $DOCKER_HOST, else unix:///var/run/docker.sock; 'none' to run without Docker)" };
    public Option<string?> Bridge { get; } = new("--bridge") { Description = "The weave bridge: addresses on it and on the containers attached to it are claimed at start (default weave)" };
    public Option<string?> PluginSocket { get; } = new("--plugin-socket") { Description = "Serve Docker's remote IPAM driver on this absolute unix socket path; Docker names the driver after the file (/run/docker/plugins/NAME.sock) or a spec file /etc/docker/plugins/NAME.spec naming it (default: none)" };
    public Option<string?> LogLevel { get; } = new("--log-level") { Description = "debug | info | warning | error (default info)" };
    public Option<bool> NoDiscovery { get; } = new("--no-discovery") { Description = "Dial only the peers given (launch, connect), never addresses learned from peers" };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Dial the peers stored in the data dir by the last run's connect and forget (no PEER may be given)" };
    public Argument<string[]> Peers { get; } = new("PEER") { Description = "Peers to connect to (host[:port])", Arity = ArgumentArity.ZeroOrMore };

    private IEnumerable<Option> Options =>
    [
        Config, Name, Nickname, Host, Port, HttpAddr, StatusAddr, MetricsAddr, DashboardAddr, DashboardUser, DashboardPassword, AllowedHosts, IpallocRange, IpallocInit, InitPeerCount,
        DefaultSubnet, Password, DataDir, Storage, StorageConnection, SiloPort, GatewayPort,
        ConnLimit, ConnRotationInterval, TickInterval, GossipInterval, ContainerGrace, DockerEndpoint, Bridge, LogLevel, PluginSocket,
    ];

    /// <summary>The options with the setting key each one maps to (the long name without dashes).</summary>
    public IEnumerable<(Option<string?> Option, string Key)> Keyed() =>
        Options.Cast<Option<string?>>().Select(o => (o, LaunchSettings.Normalize(o.Name)));
}
