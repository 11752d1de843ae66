namespace WeaveOrleans.Storage.Hosting;

/// <summary>Where a host keeps its state: SQLite files under a data directory (default) or PostgreSQL.</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The Orleans grain storage name grains use with [PersistentState(..., "weave")].</summary>
    public const string GrainStorageName = "weave";

    /// <summary>"sqlite" or "postgres".</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Holds the grain storage file and one allocator file per host (SQLite only).</summary>
    public string DataDirectory { get; set; } = "/var/lib/weave-orleans";

    /// <summary>Npgsql connection string (PostgreSQL only).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Merge concurrent allocator commits into shared transactions.</summary>
    public bool GroupCommit { get; set; } = true;
}
