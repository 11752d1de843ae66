using Microsoft.Data.Sqlite;

namespace WeaveOrleans.Storage.Sqlite;

/// <summary>
/// One host's database file behind one long-lived connection. SQLite admits a single writer anyway, so
/// operations take turns on a semaphore and reuse prepared statements instead of re-parsing SQL per row.
/// </summary>
internal sealed class SqliteHostFile : IAsyncDisposable
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly string path;
    private SqliteConnection? connection;
    private SqliteCommand? upsertPart;
    private SqliteCommand? deletePart;
    private SqliteCommand? deleteParts;
    private SqliteCommand? upsertRow;
    private SqliteCommand? deleteRow;

    public SqliteHostFile(string path)
    {
        this.path = path;
    }

    public async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(await OpenAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Runs inside <see cref="WithConnectionAsync{T}"/>: writes the change under an open transaction.</summary>
    public async Task WriteAsync(SqliteTransaction transaction, string hostKey, StateChange change, CancellationToken cancellationToken)
    {
        if (change.ReplacesSnapshot)
        {
            await Run(deleteParts!, transaction, hostKey, null, null, cancellationToken).ConfigureAwait(false);
        }
        await WriteKeyed(change.Parts, upsertPart!, deletePart!, transaction, hostKey, cancellationToken).ConfigureAwait(false);
        await WriteKeyed(change.Rows, upsertRow!, deleteRow!, transaction, hostKey, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteKeyed(
        IReadOnlyDictionary<string, byte[]?> changes, SqliteCommand upsert, SqliteCommand delete,
        SqliteTransaction transaction, string hostKey, CancellationToken cancellationToken)
    {
        foreach (var (key, payload) in changes)
        {
            // Checked per record so a cancellation that arrives mid-transaction rolls the whole change back.
            cancellationToken.ThrowIfCancellationRequested();
            await Run(payload is null ? delete : upsert, transaction, hostKey, key, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await turn.WaitAsync().ConfigureAwait(false);
        try
        {
            upsertPart?.Dispose();
            deletePart?.Dispose();
            deleteParts?.Dispose();
            upsertRow?.Dispose();
            deleteRow?.Dispose();
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Runs a prepared statement; <paramref name="key"/> fills its second parameter (an ident or a part).</summary>
    private static Task<int> Run(SqliteCommand command, SqliteTransaction transaction, string hostKey, string? key, byte[]? payload, CancellationToken cancellationToken)
    {
        command.Transaction = transaction;
        command.Parameters["$host"].Value = hostKey;
        if (key is not null)
        {
            command.Parameters[1].Value = key;
        }
        if (payload is not null)
        {
            command.Parameters["$payload"].Value = payload;
        }
        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (connection is not null)
        {
            return connection;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The connection lives as long as the store; a pool would only keep the file open after disposal.
            Pooling = false,
        }.ToString();
        var opened = new SqliteConnection(connectionString);
        try
        {
            await opened.OpenAsync(cancellationToken).ConfigureAwait(false);
            await Execute(opened, SqliteStoreSql.OpenPragmas, cancellationToken).ConfigureAwait(false);
            await Execute(opened, SqliteStoreSql.CreateSchema, cancellationToken).ConfigureAwait(false);
            upsertPart = Prepare(opened, SqliteStoreSql.UpsertPart, "$host", "$part", "$payload");
            deletePart = Prepare(opened, SqliteStoreSql.DeletePart, "$host", "$part");
            deleteParts = Prepare(opened, SqliteStoreSql.DeleteParts, "$host");
            upsertRow = Prepare(opened, SqliteStoreSql.UpsertRow, "$host", "$ident", "$payload");
            deleteRow = Prepare(opened, SqliteStoreSql.DeleteRow, "$host", "$ident");
        }
        catch
        {
            await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        connection = opened;
        return opened;
    }

    private static async Task Execute(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
