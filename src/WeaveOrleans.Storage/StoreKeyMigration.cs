namespace WeaveOrleans.Storage;

/// <summary>
/// Moves a host's stored state from the key an earlier release used to the current one, on first start:
/// copied in one commit under the new key, then deleted under the old. A crash between the two leaves
/// both, and the next start finishes by deleting the old copy (nothing writes the old key any more, so
/// the new copy is never behind it).
/// </summary>
public static class StoreKeyMigration
{
    /// <returns>Whether anything was moved.</returns>
    public static async Task<bool> MoveAsync(IAllocatorStore store, string fromKey, string toKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (fromKey == toKey)
            return false;
        var old = await store.LoadAsync(fromKey, cancellationToken).ConfigureAwait(false);
        if (old is null)
            return false;
        var moved = false;
        if (await store.LoadAsync(toKey, cancellationToken).ConfigureAwait(false) is null)
        {
            var parts = old.Parts.ToDictionary(kv => kv.Key, kv => (byte[]?)kv.Value, StringComparer.Ordinal);
            var rows = old.Rows.ToDictionary(kv => kv.Key, kv => (byte[]?)kv.Value, StringComparer.Ordinal);
            await store.CommitAsync(toKey, new StateChange(parts, rows, ReplacesSnapshot: true), cancellationToken).ConfigureAwait(false);
            moved = true;
        }
        await store.DeleteAsync(fromKey, cancellationToken).ConfigureAwait(false);
        return moved;
    }
}
