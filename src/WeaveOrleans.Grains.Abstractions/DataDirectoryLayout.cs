namespace WeaveOrleans.Grains;

/// <summary>
/// The files in a daemon's data directory that its clients rely on: one definition for the daemon
/// and the CLI, so that every command finds the daemon from the data directory alone.
/// </summary>
public static class DataDirectoryLayout
{
    /// <summary>The HTTP API on a unix socket: how the CLI and other local front-ends reach the daemon.</summary>
    public const string SocketFileName = "weave.sock";

    /// <summary>The daemon's PID, written by the daemon itself (however it was started) and removed when it stops.</summary>
    public const string PidFileName = "weaver.pid";

    /// <summary>The peer name, generated or given with <c>--name</c>.</summary>
    public const string PeerNameFileName = "peername";

    public const string LogFileName = "weaver.log";

    public static string SocketPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), SocketFileName);
}
