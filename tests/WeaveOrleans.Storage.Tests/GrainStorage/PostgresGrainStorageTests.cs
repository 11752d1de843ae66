using Npgsql;
using WeaveOrleans.Storage.Hosting;
using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests.GrainStorage;

public sealed class PostgresGrainStorageTests : GrainStorageContract
{
    protected override StorageOptions StorageOptions() =>
        new() { Provider = "postgres", PostgresConnectionString = PostgresTestServer.ConnectionString };

    protected override async Task BumpStoredVersionsAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE orleansstorage SET version = version + 1 WHERE serviceid = $1", connection)
        {
            Parameters = { new NpgsqlParameter { Value = ServiceId } },
        };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
