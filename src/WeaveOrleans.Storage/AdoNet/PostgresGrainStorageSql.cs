namespace WeaveOrleans.Storage.AdoNet;

/// <summary>
/// Our PostgreSQL schema for Orleans' AdoNet grain storage; same contract as <see cref="SqliteGrainStorageSql"/>.
/// Result columns are quoted so their names keep the exact case Orleans asks for.
/// </summary>
internal static class PostgresGrainStorageSql
{
    public const string CreateSchema = """
        SELECT pg_advisory_xact_lock(7716514200332);
        CREATE TABLE IF NOT EXISTS orleansquery (
            querykey  varchar(64) NOT NULL PRIMARY KEY,
            querytext text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS orleansstorage (
            grainidhash            integer NOT NULL,
            grainidn0              bigint NOT NULL,
            grainidn1              bigint NOT NULL,
            graintypehash          integer NOT NULL,
            graintypestring        varchar(512) NOT NULL,
            grainidextensionstring varchar(512) NULL,
            serviceid              varchar(150) NOT NULL,
            payloadbinary          bytea NULL,
            modifiedon             timestamp NOT NULL,
            version                integer NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_orleansstorage_grain ON orleansstorage (
            grainidhash, graintypehash, grainidn0, grainidn1, graintypestring,
            (coalesce(grainidextensionstring, '')), serviceid);
        """;

    public const string UpsertQuery = """
        INSERT INTO orleansquery (querykey, querytext) VALUES ($1, $2)
        ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext
        """;

    private const string IsThisGrain = """
        grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash
            AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
            AND graintypestring = @GrainTypeString
            AND coalesce(grainidextensionstring, '') = coalesce(@GrainIdExtensionString, '')
            AND serviceid = @ServiceId
        """;

    public const string Read = $"""
        SELECT payloadbinary AS "PayloadBinary", version AS "Version" FROM orleansstorage
        WHERE {IsThisGrain}
        LIMIT 1
        """;

    // Insert when the grain expects no row, replace when the stored version is the expected one; the
    // outer SELECT always yields one row, NULL when neither happened.
    public const string Write = $"""
        WITH applied AS (
            INSERT INTO orleansstorage AS s (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
                grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
            SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                @GrainIdExtensionString, @ServiceId, @PayloadBinary, now() AT TIME ZONE 'utc', 1
            WHERE @GrainStateVersion IS NULL
                OR EXISTS (SELECT 1 FROM orleansstorage WHERE {IsThisGrain})
            ON CONFLICT (grainidhash, graintypehash, grainidn0, grainidn1, graintypestring,
                (coalesce(grainidextensionstring, '')), serviceid)
            DO UPDATE SET payloadbinary = excluded.payloadbinary, modifiedon = excluded.modifiedon,
                version = s.version + 1
                WHERE s.version = @GrainStateVersion
            RETURNING s.version
        )
        SELECT (SELECT version FROM applied) AS "NewGrainStateVersion"
        """;

    public const string Clear = $"""
        WITH cleared AS (
            UPDATE orleansstorage
            SET payloadbinary = NULL, modifiedon = now() AT TIME ZONE 'utc', version = version + 1
            WHERE {IsThisGrain} AND version = @GrainStateVersion
            RETURNING version
        )
        SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
        """;
}
