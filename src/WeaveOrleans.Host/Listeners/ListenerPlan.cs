using WeaveOrleans.Contract;

namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// The daemon's HTTP listeners and their guards, resolved from the launch settings: the HTTP API
/// (TCP and/or unix sockets, always including the data directory's control socket), the read-only status listener, the optional metrics listener and the
/// dashboard. Addresses given for several purposes become one listener serving the union.
/// </summary>
public sealed record ListenerPlan(IReadOnlyList<Listener> Listeners, DashboardCredentials? Dashboard, IReadOnlyList<string> AllowedHosts)
{
    /// <summary>The first TCP endpoint of the HTTP API, if it has one.</summary>
    public System.Net.IPEndPoint? HttpEndPoint =>
        Listeners.FirstOrDefault(l => l.Kinds.HasFlag(ListenerKind.Api) && !l.Address.IsSocket)?.Address.EndPoint;

    public IEnumerable<Listener> Serving(ListenerKind kind) => Listeners.Where(l => l.Kinds.HasFlag(kind));

    /// <summary>Docker's IPAM plugin socket, when the daemon serves one.</summary>
    public string? PluginSocket => Serving(ListenerKind.Plugin).FirstOrDefault()?.Address.SocketPath;

    /// <summary>
    /// Reads the settings (values already merged from command line, environment and file);
    /// throws <see cref="LaunchException"/> with one line for anything wrong, before anything binds.
    /// </summary>
    public static ListenerPlan Resolve(Func<string, string?> get, string dataDirectory)
    {
        var wanted = new List<(ListenAddress Address, ListenerKind Kind)>();
        foreach (var text in List(get("httpaddr") ?? DaemonDefaults.HttpAddr))
            wanted.Add((ListenAddress.Parse("--http-addr", text, allowSocket: true), ListenerKind.Api));
        if (wanted.Count == 0)
            throw new LaunchException("--http-addr needs at least one address: the HTTP API is how containers get addresses");
        // The CLI finds the daemon by its data directory alone, whatever ports it was given.
        var control = DataDirectoryLayout.SocketPath(dataDirectory);
        if (System.Text.Encoding.UTF8.GetByteCount(control) > ListenAddress.MaxSocketPathBytes)
            throw new LaunchException($"the data directory's control socket {control} is longer than a unix socket path may be ({ListenAddress.MaxSocketPathBytes} bytes): choose a shorter --data-dir");
        wanted.Add((ListenAddress.Parse("--data-dir", control, allowSocket: true), ListenerKind.Api));
        Optional("--status-addr", get("statusaddr") ?? DaemonDefaults.StatusAddr, ListenerKind.Status);
        Optional("--metrics-addr", get("metricsaddr"), ListenerKind.Metrics);
        Optional("--dashboard-addr", get("dashboardaddr") ?? DaemonDefaults.DashboardAddr, ListenerKind.Dashboard);
        if (get("pluginsocket") is { } pluginSocket && !IsOff(pluginSocket))
        {
            if (!pluginSocket.StartsWith('/'))
                throw new LaunchException($"invalid --plugin-socket \"{pluginSocket}\": expected an absolute unix socket path, e.g. /run/docker/plugins/weave.sock");
            var plugin = ListenAddress.Parse("--plugin-socket", pluginSocket, allowSocket: true);
            // Docker's plugin routes and nothing else there: dockerd must not reach the API through it, nor the API's clients the plugin.
            if (wanted.Any(w => w.Address == plugin))
                throw new LaunchException($"--plugin-socket {plugin.SocketPath} is also given for another listener: the plugin needs a socket of its own");
            wanted.Add((plugin, ListenerKind.Plugin));
        }

        var listeners = wanted
            .GroupBy(w => w.Address)
            .Select(g => new Listener(g.Key, g.Aggregate(ListenerKind.None, (kinds, w) => kinds | w.Kind)))
            .ToList();
        // Two listeners on one port (say 127.0.0.1:6782 and 0.0.0.0:6782) cannot both bind, and a
        // request could not be told apart by port: refuse before anything starts.
        foreach (var clash in listeners.Where(l => !l.Address.IsSocket).GroupBy(l => l.Address.EndPoint!.Port).Where(g => g.Count() > 1))
            throw new LaunchException($"listeners {string.Join(" and ", clash.Select(l => l.Address))} share port {clash.Key}: give each its own port");

        var password = get("dashboardpassword");
        var credentials = password is null ? null : new DashboardCredentials(get("dashboarduser") ?? DashboardCredentials.DefaultUser, password);
        foreach (var exposed in listeners.Where(l => l.Kinds.HasFlag(ListenerKind.Dashboard) && !l.Address.IsLocalOnly))
            if (credentials is null)
                throw new LaunchException($"the dashboard on {exposed.Address} would be reachable from other hosts without a password: set --dashboard-password, or bind --dashboard-addr to loopback");
        foreach (var shared in listeners.Where(l => l.Kinds.HasFlag(ListenerKind.Dashboard) && l.Kinds != ListenerKind.Dashboard))
            throw new LaunchException($"--dashboard-addr {shared.Address} is also given for another listener: the dashboard needs a listener of its own");

        var allowedHosts = List(get("allowedhosts") ?? "").Select(h => h.ToLowerInvariant()).ToList();
        return new ListenerPlan(listeners, credentials, allowedHosts);

        void Optional(string flag, string? text, ListenerKind kind)
        {
            if (text is null || IsOff(text))
                return;
            wanted.Add((ListenAddress.Parse(flag, text, allowSocket: false), kind));
        }
    }

    private static bool IsOff(string text) => text.Trim().ToLowerInvariant() is "off" or "none" or "";

    private static IEnumerable<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
