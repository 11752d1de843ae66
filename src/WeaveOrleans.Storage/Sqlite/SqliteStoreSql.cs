namespace WeaveOrleans.Storage.Sqlite;

/// <summary>The allocator schema and statements for one host's SQLite file.</summary>
internal static class SqliteStoreSql
{
    // synchronous=FULL: in WAL mode NORMAL skips the fsync at commit, so an acknowledged commit could be
    // lost on power failure or an OS crash; FULL syncs the WAL before COMMIT returns.
    public const string OpenPragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 10000;
        """;

    // WITHOUT ROWID keeps each allocation and each snapshot part in the primary-key B-tree itself: one
    // seek per upsert or delete, whatever the number of rows held. weave_snapshot is the whole-snapshot
    // table of releases before parts: read, and emptied by the first whole-snapshot write, never written.
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS weave_snapshot_part (
            host_key TEXT NOT NULL,
            part     TEXT NOT NULL CHECK (length(part) > 0),
            payload  BLOB NOT NULL,
            PRIMARY KEY (host_key, part)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS weave_snapshot (
            host_key TEXT NOT NULL PRIMARY KEY,
            payload  BLOB NOT NULL,
            updated  TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS weave_allocation (
            host_key TEXT NOT NULL,
            ident    TEXT NOT NULL CHECK (length(ident) > 0),
            payload  BLOB NOT NULL,
            PRIMARY KEY (host_key, ident)
        ) WITHOUT ROWID;
        """;

    public const string UpsertPart = """
        INSERT INTO weave_snapshot_part (host_key, part, payload) VALUES ($host, $part, $payload)
        ON CONFLICT (host_key, part) DO UPDATE SET payload = excluded.payload;
        """;

    public const string DeletePart = "DELETE FROM weave_snapshot_part WHERE host_key = $host AND part = $part;";

    public const string DeleteParts = """
        DELETE FROM weave_snapshot_part WHERE host_key = $host;
        DELETE FROM weave_snapshot WHERE host_key = $host;
        """;

    public const string UpsertRow = """
        INSERT INTO weave_allocation (host_key, ident, payload) VALUES ($host, $ident, $payload)
        ON CONFLICT (host_key, ident) DO UPDATE SET payload = excluded.payload;
        """;

    public const string DeleteRow = "DELETE FROM weave_allocation WHERE host_key = $host AND ident = $ident;";

    public const string SelectParts = "SELECT part, payload FROM weave_snapshot_part WHERE host_key = $host;";

    public const string SelectWholeSnapshot = "SELECT payload FROM weave_snapshot WHERE host_key = $host;";

    public const string SelectRows = "SELECT ident, payload FROM weave_allocation WHERE host_key = $host;";

    public const string DeleteHost = """
        DELETE FROM weave_allocation WHERE host_key = $host;
        DELETE FROM weave_snapshot_part WHERE host_key = $host;
        DELETE FROM weave_snapshot WHERE host_key = $host;
        """;
}
