using Microsoft.Data.Sqlite;
using Npgsql;

namespace WeaveOrleans.Storage.AdoNet;

/// <summary>
/// Creates what Orleans' AdoNet grain storage expects to find (the Orleans SQL scripts are not shipped in
/// its package): the OrleansQuery and OrleansStorage tables and the three storage queries. Idempotent, and
/// it refreshes the query texts so an upgraded binary brings its queries along.
/// </summary>
public static class AdoNetSchema
{
    /// <summary>Microsoft.Data.Sqlite connection string; the database is switched to WAL.</summary>
    public static async Task EnsureSqliteAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dataSource))!);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var pragma = connection.CreateCommand())
        {
            // journal_mode=WAL is stored in the file, so Orleans' own connections get it too.
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = SqliteGrainStorageSql.CreateSchema;
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (key, text) in Queries(SqliteGrainStorageSql.Write, SqliteGrainStorageSql.Read, SqliteGrainStorageSql.Clear))
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = SqliteGrainStorageSql.UpsertQuery;
            upsert.Parameters.AddWithValue("$key", key);
            upsert.Parameters.AddWithValue("$text", text);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Npgsql connection string; the database must exist.</summary>
    public static async Task EnsurePostgresAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(PostgresGrainStorageSql.CreateSchema, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (key, text) in Queries(PostgresGrainStorageSql.Write, PostgresGrainStorageSql.Read, PostgresGrainStorageSql.Clear))
        {
            await using var upsert = new NpgsqlCommand(PostgresGrainStorageSql.UpsertQuery, connection, transaction)
            {
                Parameters = { new NpgsqlParameter { Value = key }, new NpgsqlParameter { Value = text } },
            };
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static (string Key, string Text)[] Queries(string write, string read, string clear) =>
    [
        (GrainStorageQueryKeys.Write, write),
        (GrainStorageQueryKeys.Read, read),
        (GrainStorageQueryKeys.Clear, clear),
    ];
}
