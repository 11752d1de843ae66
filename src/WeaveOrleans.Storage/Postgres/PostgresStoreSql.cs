namespace WeaveOrleans.Storage.Postgres;

/// <summary>The allocator schema and statements on PostgreSQL (all hosts share the two tables).</summary>
internal static class PostgresStoreSql
{
    // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog, so creators take turns.
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(7716514200331);
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

    public const string UpsertSnapshot = """
        INSERT INTO weave_snapshot (host_key, payload, updated) VALUES ($1, $2, now())
        ON CONFLICT (host_key) DO UPDATE SET payload = excluded.payload, updated = excluded.updated
        """;

    // Arrays keep a merged batch to one statement (and one round trip) however many rows it carries.
    public const string UpsertRows = """
        INSERT INTO weave_allocation (host_key, ident, payload)
        SELECT $1, r.ident, r.payload FROM unnest($2::text[], $3::bytea[]) AS r(ident, payload)
        ON CONFLICT (host_key, ident) DO UPDATE SET payload = excluded.payload
        """;

    public const string DeleteRows = "DELETE FROM weave_allocation WHERE host_key = $1 AND ident = ANY($2::text[])";

    public const string SelectSnapshot = "SELECT payload FROM weave_snapshot WHERE host_key = $1";

    public const string SelectRows = "SELECT ident, payload FROM weave_allocation WHERE host_key = $1";

    public const string DeleteHostRows = "DELETE FROM weave_allocation WHERE host_key = $1";

    public const string DeleteHostSnapshot = "DELETE FROM weave_snapshot WHERE host_key = $1";
}
