using Microsoft.Data.Sqlite;
using WeaveOrleans.Storage.Sqlite;
using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests.Contract;

public sealed class SqliteAllocatorStoreTests : AllocatorStoreContract, IDisposable
{
    private readonly TempDirectory directory = new();

    protected override IAllocatorStore OpenStore() => new SqliteAllocatorStore(directory.Path);

    [Fact]
    public async Task Each_host_gets_its_own_file_in_wal_mode()
    {
        await using var store = new SqliteAllocatorStore(directory.Path);
        await store.CommitAsync("aa:bb:cc", StateChange.Row("c1", Bytes.Of("a")), CancellationToken.None);

        var path = store.PathFor("aa:bb:cc");
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(path + "-wal"));
        Assert.NotEqual(path, store.PathFor("aa_3abb_3acc"));
    }

    [Fact]
    public async Task A_file_of_the_release_before_parts_loads_its_whole_snapshot_which_the_first_whole_write_replaces()
    {
        const string host = "aa:bb:cc";
        var path = Path.Combine(directory.Path, HostFileName.For(host));
        await WriteReleaseBeforePartsFile(path, host, snapshot: [1, 2, 3], ("c1", [4]));

        await using var store = new SqliteAllocatorStore(directory.Path);
        var old = (await store.LoadAsync(host, CancellationToken.None))!;
        Assert.Equal([StoredState.WholeSnapshotPart], old.Parts.Keys);
        Assert.Equal([1, 2, 3], old.Parts[StoredState.WholeSnapshotPart]);
        Assert.Equal([4], old.Rows["c1"]);

        await store.CommitAsync(host, new StateChange(Parts.Of(("header", "h")), Rows.Of(), ReplacesSnapshot: true), CancellationToken.None);

        var migrated = (await store.LoadAsync(host, CancellationToken.None))!;
        Assert.Equal(["header"], migrated.Parts.Keys);
        Assert.Equal([4], migrated.Rows["c1"]);
    }

    /// <summary>The schema and rows exactly as the release that stored the snapshot whole wrote them.</summary>
    private static async Task WriteReleaseBeforePartsFile(string path, string host, byte[] snapshot, params (string Ident, byte[] Payload)[] rows)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE weave_snapshot (host_key TEXT NOT NULL PRIMARY KEY, payload BLOB NOT NULL, updated TEXT NOT NULL);
            CREATE TABLE weave_allocation (
                host_key TEXT NOT NULL, ident TEXT NOT NULL CHECK (length(ident) > 0), payload BLOB NOT NULL,
                PRIMARY KEY (host_key, ident)) WITHOUT ROWID;
            INSERT INTO weave_snapshot VALUES ($host, $snapshot, '2026-01-01T00:00:00.000Z');
            """;
        command.Parameters.AddWithValue("$host", host);
        command.Parameters.AddWithValue("$snapshot", snapshot);
        await command.ExecuteNonQueryAsync();
        foreach (var (ident, payload) in rows)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO weave_allocation VALUES ($host, $ident, $payload);";
            insert.Parameters.AddWithValue("$host", host);
            insert.Parameters.AddWithValue("$ident", ident);
            insert.Parameters.AddWithValue("$payload", payload);
            await insert.ExecuteNonQueryAsync();
        }
    }

    public void Dispose() => directory.Dispose();
}
