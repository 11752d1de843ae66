namespace WeaveOrleans.Storage.Postgres;

/// <summary>
/// The allocator schema and statements on PostgreSQL (all hosts share the tables). weave_snapshot is the
/// whole-snapshot table of releases before parts: read, and emptied by a whole-snapshot write, never written.
/// </summary>
internal static class PostgresStoreSql
{
    // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog, so creators take turns.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(7716514200331);
        CREATE TABLE IF NOT EXISTS weave_snapshot_part (
            host_key text NOT NULL,
            part     text NOT NULL CHECK (part <> ''),
            payload  bytea NOT NULL,
            PRIMARY KEY (host_key, part)
        );
        CREATE TABLE IF NOT EXISTS weave_snapshot (
            host_key text PRIMARY KEY,
            payload  bytea NOT NULL,
            updated  timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS weave_allocation (
            host_key text NOT NULL,
            ident    text NOT NULL CHECK (ident <> ''),
            payload  bytea NOT NULL,
            PRIMARY KEY (host_key, ident)
        );
        """;

    public const string UpsertParts = """
        INSERT INTO weave_snapshot_part (host_key, part, payload)
        SELECT $1, p.part, p.payload FROM unnest($2::text[], $3::bytea[]) AS p(part, payload)
        ON CONFLICT (host_key, part) DO UPDATE SET payload = excluded.payload
        """;

    public const string DeleteParts = "DELETE FROM weave_snapshot_part WHERE host_key = $1 AND part = ANY($2::text[])";

    public const string DeleteHostParts = "DELETE FROM weave_snapshot_part WHERE host_key = $1";

    // Arrays keep a merged batch to one statement (and one round trip) however many rows it carries.
    public const string UpsertRows = """
        INSERT INTO weave_allocation (host_key, ident, payload)
        SELECT $1, r.ident, r.payload FROM unnest($2::text[], $3::bytea[]) AS r(ident, payload)
        ON CONFLICT (host_key, ident) DO UPDATE SET payload = excluded.payload
        """;

    public const string DeleteRows = "DELETE FROM weave_allocation WHERE host_key = $1 AND ident = ANY($2::text[])";

    public const string SelectParts = "SELECT part, payload FROM weave_snapshot_part WHERE host_key = $1";

    public const string SelectWholeSnapshot = "SELECT payload FROM weave_snapshot WHERE host_key = $1";

    public const string SelectRows = "SELECT ident, payload FROM weave_allocation WHERE host_key = $1";

    public const string DeleteHostRows = "DELETE FROM weave_allocation WHERE host_key = $1";

    public const string DeleteHostSnapshot = "DELETE FROM weave_snapshot WHERE host_key = $1";
}
