using Microsoft.Data.Sqlite;

namespace WeaveOrleans.Storage.Sqlite;

/// <summary>
/// <see cref="IAllocatorStore"/> on one SQLite file per host under a data directory (WAL, synchronous=FULL).
/// A commit writes only the changed parts and rows, so its cost does not depend on how many the host holds.
/// </summary>
public sealed class SqliteAllocatorStore : IAllocatorStore, ICountsTransactions, IAsyncDisposable
{
    private readonly string dataDirectory;
    private readonly Dictionary<string, SqliteHostFile> files = new(StringComparer.Ordinal);
    private long committedTransactions;
    private bool disposed;

    public SqliteAllocatorStore(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        this.dataDirectory = dataDirectory;
    }

    public long CommittedTransactions => Interlocked.Read(ref committedTransactions);

    /// <summary>Where the host's file lives; exposed for operators and tests.</summary>
    public string PathFor(string hostKey) => Path.Combine(dataDirectory, HostFileName.For(hostKey));

    public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken) =>
        FileFor(hostKey).WithConnectionAsync(async connection =>
        {
            // One read transaction so the parts and the rows come from the same commit.
            await using var transaction = connection.BeginTransaction(deferred: true);
            var parts = await ReadKeyed(connection, transaction, SqliteStoreSql.SelectParts, hostKey, cancellationToken).ConfigureAwait(false);
            await using (var command = Command(connection, transaction, SqliteStoreSql.SelectWholeSnapshot, hostKey))
            {
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] whole)
                {
                    parts.TryAdd(StoredState.WholeSnapshotPart, whole);
                }
            }
            var rows = await ReadKeyed(connection, transaction, SqliteStoreSql.SelectRows, hostKey, cancellationToken).ConfigureAwait(false);
            return parts.Count == 0 && rows.Count == 0 ? null : new StoredState(parts, rows);
        }, cancellationToken);

    public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var file = FileFor(hostKey);
        return file.WithConnectionAsync(async connection =>
        {
            // IMMEDIATE: take the write lock up front rather than fail a read-to-write upgrade midway.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await file.WriteAsync(transaction, hostKey, change, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref committedTransactions);
            return true;
        }, cancellationToken);
    }

    public Task DeleteAsync(string hostKey, CancellationToken cancellationToken) =>
        FileFor(hostKey).WithConnectionAsync(async connection =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using (var command = Command(connection, transaction, SqliteStoreSql.DeleteHost, hostKey))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref committedTransactions);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        SqliteHostFile[] open;
        lock (files)
        {
            disposed = true;
            open = [.. files.Values];
            files.Clear();
        }
        foreach (var file in open)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private SqliteHostFile FileFor(string hostKey)
    {
        var path = PathFor(hostKey);
        lock (files)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!files.TryGetValue(hostKey, out var file))
            {
                file = new SqliteHostFile(path);
                files.Add(hostKey, file);
            }
            return file;
        }
    }

    private static async Task<Dictionary<string, byte[]>> ReadKeyed(
        SqliteConnection connection, SqliteTransaction transaction, string sql, string hostKey, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, sql, hostKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            read.Add(reader.GetString(0), (byte[])reader.GetValue(1));
        }
        return read;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, string hostKey)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$host", hostKey);
        return command;
    }
}
