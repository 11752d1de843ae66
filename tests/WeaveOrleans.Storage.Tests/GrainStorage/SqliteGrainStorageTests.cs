using Microsoft.Data.Sqlite;
using WeaveOrleans.Storage.Hosting;
using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests.GrainStorage;

public sealed class SqliteGrainStorageTests : GrainStorageContract, IDisposable
{
    private readonly TempDirectory directory = new();

    protected override StorageOptions StorageOptions() => new() { Provider = "sqlite", DataDirectory = directory.Path };

    protected override async Task BumpStoredVersionsAsync()
    {
        var file = Path.Combine(directory.Path, "orleans-grains.db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansStorage SET Version = Version + 1 WHERE ServiceId = $service";
        command.Parameters.AddWithValue("$service", ServiceId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task The_grain_storage_file_is_created_in_wal_mode()
    {
        await using (var cluster = await StartForInspection())
        {
        }
        var file = Path.Combine(directory.Path, "orleans-grains.db");
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    private async Task<IAsyncDisposable> StartForInspection()
    {
        var builder = new Orleans.TestingHost.InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddWeaveStorage(StorageOptions()));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public void Dispose() => directory.Dispose();
}
