using WeaveOrleans.Storage.Sqlite;
using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests;

public sealed class StoreKeyMigrationTests
{
    private static StateChange Change(byte[] snapshot, params (string Ident, byte[] Row)[] rows) =>
        new(new Dictionary<string, byte[]?>(StringComparer.Ordinal) { ["ring"] = snapshot },
            rows.ToDictionary(r => r.Ident, r => (byte[]?)r.Row, StringComparer.Ordinal));

    [Fact]
    public async Task State_under_the_old_key_moves_whole_to_the_new_one()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteAllocatorStore(dir.Path);
        await store.CommitAsync("aa:bb", Change([1, 2, 3], ("c1", [4]), ("c2", [5, 6])), CancellationToken.None);

        Assert.True(await StoreKeyMigration.MoveAsync(store, "aa:bb", "default/aa:bb", CancellationToken.None));

        Assert.Null(await store.LoadAsync("aa:bb", CancellationToken.None));
        var moved = (await store.LoadAsync("default/aa:bb", CancellationToken.None))!;
        Assert.Equal([1, 2, 3], moved.Parts["ring"]);
        Assert.Equal(["c1", "c2"], moved.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([5, 6], moved.Rows["c2"]);
        // Once moved there is nothing more to do.
        Assert.False(await StoreKeyMigration.MoveAsync(store, "aa:bb", "default/aa:bb", CancellationToken.None));
    }

    [Fact]
    public async Task After_a_crash_between_copy_and_delete_the_new_copy_wins_and_the_old_goes()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteAllocatorStore(dir.Path);
        await store.CommitAsync("aa:bb", Change([1], ("old", [1])), CancellationToken.None);
        await store.CommitAsync("default/aa:bb", Change([2], ("new", [2])), CancellationToken.None);

        Assert.False(await StoreKeyMigration.MoveAsync(store, "aa:bb", "default/aa:bb", CancellationToken.None));

        Assert.Null(await store.LoadAsync("aa:bb", CancellationToken.None));
        var kept = (await store.LoadAsync("default/aa:bb", CancellationToken.None))!;
        Assert.Equal([2], kept.Parts["ring"]);
        Assert.Equal(["new"], kept.Rows.Keys);
    }

    [Fact]
    public async Task Nothing_under_the_old_key_changes_nothing()
    {
        using var dir = new TempDirectory();
        await using var store = new SqliteAllocatorStore(dir.Path);
        Assert.False(await StoreKeyMigration.MoveAsync(store, "aa:bb", "default/aa:bb", CancellationToken.None));
        Assert.Null(await store.LoadAsync("default/aa:bb", CancellationToken.None));
    }
}
