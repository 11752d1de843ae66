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

    public void Dispose() => directory.Dispose();
}
