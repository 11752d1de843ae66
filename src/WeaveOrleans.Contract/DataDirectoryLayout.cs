namespace WeaveOrleans.Contract;

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

    /// <summary>The PID of <c>weave launch</c>'s supervisor, which starts the daemon again after a crash.</summary>
    public const string SupervisorPidFileName = "weave-supervisor.pid";

    /// <summary>The peer name, generated or given with <c>--name</c>.</summary>
    public const string PeerNameFileName = "peername";

    public const string LogFileName = "weaver.log";

    /// <summary>The Orleans grain storage (SQLite), with its -wal, -shm and -journal companions.</summary>
    public const string GrainStorageFileName = "orleans-grains.db";

    /// <summary>The per-peer allocator stores (SQLite), one file each.</summary>
    public const string AllocatorStoreDirectoryName = "allocators";

    /// <summary>What makes up a peer's state (its name, its allocations): what <c>weave reset</c> deletes.</summary>
    public static readonly IReadOnlyList<string> StateFileNames =
    [
        PeerNameFileName, GrainStorageFileName, GrainStorageFileName + "-wal", GrainStorageFileName + "-shm",
        GrainStorageFileName + "-journal", AllocatorStoreDirectoryName,
    ];

    /// <summary>Where the daemon keeps its state when no <c>--data-dir</c> is given: root's, else one under the working directory.</summary>
    public const string RootDataDirectory = "/var/lib/weave";

    public const string UserDataDirectory = "data";

    public static string SocketPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), SocketFileName);

    /// <summary>The data directory used when none is given, relative to <paramref name="workingDirectory"/>.</summary>
    public static string DefaultDataDirectory(string workingDirectory) =>
        Environment.IsPrivilegedProcess ? RootDataDirectory : Path.Combine(workingDirectory, UserDataDirectory);
}
