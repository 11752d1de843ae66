using System.Globalization;

namespace WeaveOrleans.Contract;

/// <summary>
/// What the daemon listens on and allocates from when not told otherwise. The daemon applies these
/// and the CLI names them in its help and looks for the daemon by them, so they are written once.
/// </summary>
public static class DaemonDefaults
{
    /// <summary>The peer transport (Weave's router port).</summary>
    public const int PeerPort = 6783;

    /// <summary>The HTTP API, the only listener that changes state (Weave's control port).</summary>
    public const int HttpPort = 6784;

    /// <summary>Read-only status, report and metrics (Weave's status port).</summary>
    public const int StatusPort = 6782;

    /// <summary>The Orleans dashboard and the IPAM page.</summary>
    public const int DashboardPort = 6785;

    /// <summary>The loopback Orleans silo.</summary>
    public const int SiloPort = 11111;

    /// <summary>The loopback Orleans gateway; <c>weave launch</c> checks it is free before starting a daemon.</summary>
    public const int GatewayPort = 30000;

    public const string Loopback = "127.0.0.1";

    public static readonly string HttpAddr = Endpoint(HttpPort);
    public static readonly string StatusAddr = Endpoint(StatusPort);
    public static readonly string DashboardAddr = Endpoint(DashboardPort);

    /// <summary>The range IPAM allocates from (Weave's <c>--ipalloc-range</c> default).</summary>
    public const string IpallocRange = "10.32.0.0/12";

    /// <summary>At most this many peer connections per host (Weave's <c>--conn-limit</c> default; 0: no limit).</summary>
    public const int ConnectionLimit = 200;

    /// <summary>The bridge containers are attached to.</summary>
    public const string Bridge = "weave";

    private static string Endpoint(int port) => Loopback + ":" + port.ToString(CultureInfo.InvariantCulture);
}
