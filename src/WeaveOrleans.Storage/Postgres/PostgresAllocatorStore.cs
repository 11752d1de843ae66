using System.Data;
using Npgsql;

namespace WeaveOrleans.Storage.Postgres;

/// <summary>
/// <see cref="IAllocatorStore"/> on PostgreSQL: a commit is one transaction of at most three statements
/// (snapshot, deletes, upserts) sent as one batch; durability is the server's (fsync, synchronous_commit).
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
        // REPEATABLE READ so the snapshot and the rows are read from the same commit.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        byte[]? snapshot = null;
        await using (var command = Command(connection, PostgresStoreSql.SelectSnapshot, hostKey))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                snapshot = reader.GetFieldValue<byte[]>(0);
            }
        }

        var rows = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var command = Command(connection, PostgresStoreSql.SelectRows, hostKey))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(reader.GetString(0), reader.GetFieldValue<byte[]>(1));
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return snapshot is null && rows.Count == 0 ? null : new StoredState(snapshot, rows);
    }

    public async Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (change.NewSnapshot is { } snapshot)
        {
            batch.BatchCommands.Add(BatchCommand(PostgresStoreSql.UpsertSnapshot, hostKey, snapshot));
        }

        var upsertIdents = new List<string>();
        var upsertPayloads = new List<byte[]>();
        var deleteIdents = new List<string>();
        foreach (var (ident, payload) in change.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (payload is null)
            {
                deleteIdents.Add(ident);
            }
            else
            {
                upsertIdents.Add(ident);
                upsertPayloads.Add(payload);
            }
        }
        if (deleteIdents.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(PostgresStoreSql.DeleteRows, hostKey, deleteIdents.ToArray()));
        }
        if (upsertIdents.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(PostgresStoreSql.UpsertRows, hostKey, upsertIdents.ToArray(), upsertPayloads.ToArray()));
        }

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
