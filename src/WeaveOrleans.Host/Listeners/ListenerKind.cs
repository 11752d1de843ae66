namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// What a listener is for. Each route says which kinds may serve it (<see cref="ServedOnAttribute"/>);
/// a listener bound to the same address for several purposes serves the union.
/// </summary>
[Flags]
public enum ListenerKind
{
    None = 0,

    /// <summary>The HTTP API (<c>--http-addr</c>): the only listener that changes state.</summary>
    Api = 1,

    /// <summary>Read-only status, report and metrics (<c>--status-addr</c>): safe to expose.</summary>
    Status = 2,

    /// <summary><c>GET /metrics</c> alone (<c>--metrics-addr</c>).</summary>
    Metrics = 4,

    /// <summary>The Orleans dashboard and the IPAM page (<c>--dashboard-addr</c>).</summary>
    Dashboard = 8,

    /// <summary>Docker's remote IPAM driver protocol (<c>--plugin-socket</c>), on a unix socket of its own.</summary>
    Plugin = 16,
}
