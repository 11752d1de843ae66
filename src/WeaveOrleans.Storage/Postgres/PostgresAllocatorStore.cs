using System.Data;
using Npgsql;

namespace WeaveOrleans.Storage.Postgres;

/// <summary>
/// <see cref="IAllocatorStore"/> on PostgreSQL: a commit is one transaction of at most six statements
/// (clearing the snapshot, then deletes and upserts of parts and of rows) sent as one batch; durability is the server's (fsync, synchronous_commit).
/// </summary>
public sealed class PostgresAllocatorStore : IAllocatorStore, ICountsTransactions, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly SemaphoreSlim schemaTurn = new(1, 1);
    private volatile bool schemaReady;
    private long committedTransactions;

    public PostgresAllocatorStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public long CommittedTransactions => Interlocked.Read(ref committedTransactions);

    public async Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // REPEATABLE READ so the parts and the rows are read from the same commit.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var parts = await ReadKeyed(connection, PostgresStoreSql.SelectParts, hostKey, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, PostgresStoreSql.SelectWholeSnapshot, hostKey))
        {
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] whole)
            {
                parts.TryAdd(StoredState.WholeSnapshotPart, whole);
            }
        }
        var rows = await ReadKeyed(connection, PostgresStoreSql.SelectRows, hostKey, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return parts.Count == 0 && rows.Count == 0 ? null : new StoredState(parts, rows);
    }

    public async Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (change.ReplacesSnapshot)
        {
            batch.BatchCommands.Add(BatchCommand(PostgresStoreSql.DeleteHostParts, hostKey));
            batch.BatchCommands.Add(BatchCommand(PostgresStoreSql.DeleteHostSnapshot, hostKey));
        }
        AddKeyed(batch, change.Parts, PostgresStoreSql.DeleteParts, PostgresStoreSql.UpsertParts, hostKey, cancellationToken);
        AddKeyed(batch, change.Rows, PostgresStoreSql.DeleteRows, PostgresStoreSql.UpsertRows, hostKey, cancellationToken);

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref committedTransactions);
    }

    public async Task DeleteAsync(string hostKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                BatchCommand(PostgresStoreSql.DeleteHostRows, hostKey),
                BatchCommand(PostgresStoreSql.DeleteHostParts, hostKey),
                BatchCommand(PostgresStoreSql.DeleteHostSnapshot, hostKey),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        Interlocked.Increment(ref committedTransactions);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!schemaReady)
            {
                await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await schemaTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (schemaReady)
            {
                return;
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(PostgresStoreSql.CreateSchema, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            schemaReady = true;
        }
        finally
        {
            schemaTurn.Release();
        }
    }

    /// <summary>Adds one delete and one upsert statement (arrays, so one each however many keys) for the changes given.</summary>
    private static void AddKeyed(
        NpgsqlBatch batch, IReadOnlyDictionary<string, byte[]?> changes, string deleteSql, string upsertSql, string hostKey, CancellationToken cancellationToken)
    {
        var upsertKeys = new List<string>();
        var upsertPayloads = new List<byte[]>();
        var deleteKeys = new List<string>();
        foreach (var (key, payload) in changes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (payload is null)
            {
                deleteKeys.Add(key);
            }
            else
            {
                upsertKeys.Add(key);
                upsertPayloads.Add(payload);
            }
        }
        if (deleteKeys.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(deleteSql, hostKey, deleteKeys.ToArray()));
        }
        if (upsertKeys.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(upsertSql, hostKey, upsertKeys.ToArray(), upsertPayloads.ToArray()));
        }
    }

    private static async Task<Dictionary<string, byte[]>> ReadKeyed(NpgsqlConnection connection, string sql, string hostKey, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var command = Command(connection, sql, hostKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            read.Add(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
        }
        return read;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string hostKey) =>
        new(sql, connection) { Parameters = { new NpgsqlParameter { Value = hostKey } } };

    private static NpgsqlBatchCommand BatchCommand(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return command;
    }
}
