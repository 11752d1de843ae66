using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>What a host persisted, decoded: the snapshot (null if none) and the rows by ident.</summary>
public sealed record StoredAllocator(AllocatorSnapshot? Snapshot, IReadOnlyDictionary<string, OwnedAddresses> Rows)
{
    public static StoredAllocator Decode(StoredState? stored)
    {
        var rows = new Dictionary<string, OwnedAddresses>(StringComparer.Ordinal);
        if (stored is null)
            return new StoredAllocator(null, rows);
        foreach (var (ident, payload) in stored.Rows)
            rows[ident] = OwnedCodec.Decode(payload);
        return new StoredAllocator(stored.Snapshot is { } bytes ? SnapshotCodec.Decode(bytes) : null, rows);
    }
}
