namespace WeaveOrleans.Storage.AdoNet;

/// <summary>
/// Our SQLite schema for Orleans' AdoNet grain storage. The contract we honour: parameters @GrainIdHash,
/// @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
/// @GrainStateVersion, @PayloadBinary; reads return PayloadBinary and Version; write and clear return one
/// row whose NewGrainStateVersion is the new version, or NULL when the expected version did not match
/// (Orleans turns that NULL into an InconsistentStateException).
/// </summary>
internal static class SqliteGrainStorageSql
{
    // A grain is identified by all of its key columns; a unique index over them (absent extension and
    // empty extension count as the same) lets a write be a single atomic upsert.
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  VARCHAR(64) NOT NULL PRIMARY KEY,
            QueryText TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS OrleansStorage (
            GrainIdHash            INTEGER NOT NULL,
            GrainIdN0              BIGINT NOT NULL,
            GrainIdN1              BIGINT NOT NULL,
            GrainTypeHash          INTEGER NOT NULL,
            GrainTypeString        NVARCHAR(512) NOT NULL,
            GrainIdExtensionString NVARCHAR(512) NULL,
            ServiceId              NVARCHAR(150) NOT NULL,
            PayloadBinary          BLOB NULL,
            ModifiedOn             DATETIME NOT NULL,
            Version                INTEGER NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain ON OrleansStorage (
            GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString,
            ifnull(GrainIdExtensionString, ''), ServiceId);
        """;

    public const string UpsertQuery = """
        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($key, $text)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
        """;

    private const string IsThisGrain = """
        GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
            AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
            AND GrainTypeString = @GrainTypeString
            AND ifnull(GrainIdExtensionString, '') = ifnull(@GrainIdExtensionString, '')
            AND ServiceId = @ServiceId
        """;

    public const string Read = $"""
        SELECT PayloadBinary, Version FROM OrleansStorage
        WHERE {IsThisGrain}
        LIMIT 1;
        """;

    // A row is inserted only when the grain expects none (no version); an existing row is replaced only
    // when its version is the one the grain read. changes() then tells the two outcomes apart; the new
    // version is computable because an applied write always moves from the expected version to the next.
    public const string Write = $"""
        INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
            GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
            @GrainIdExtensionString, @ServiceId, @PayloadBinary, datetime('now'), 1
        WHERE @GrainStateVersion IS NULL
            OR EXISTS (SELECT 1 FROM OrleansStorage WHERE {IsThisGrain})
        ON CONFLICT (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainTypeString,
            ifnull(GrainIdExtensionString, ''), ServiceId)
        DO UPDATE SET PayloadBinary = excluded.PayloadBinary, ModifiedOn = excluded.ModifiedOn, Version = Version + 1
            WHERE Version = @GrainStateVersion;
        SELECT CASE WHEN changes() > 0 THEN ifnull(@GrainStateVersion, 0) + 1 END AS NewGrainStateVersion;
        """;

    // Clearing keeps the row (payload NULL, version bumped) so a stale activation still conflicts later.
    public const string Clear = $"""
        UPDATE OrleansStorage
        SET PayloadBinary = NULL, ModifiedOn = datetime('now'), Version = Version + 1
        WHERE {IsThisGrain} AND Version = @GrainStateVersion;
        SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;
        """;
}
