using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>What a host persisted, decoded: the snapshot (null if none) and the rows by ident.</summary>
public sealed record StoredAllocator(AllocatorSnapshot? Snapshot, IReadOnlyDictionary<string, OwnedAddresses> Rows)
{
    /// <summary>
    /// Decodes the snapshot from its parts, or from the one record an earlier release wrote it whole
    /// in; the engine's first change then writes it in parts and drops that record.
    /// </summary>
    public static StoredAllocator Decode(StoredState? stored)
    {
        var rows = new Dictionary<string, OwnedAddresses>(StringComparer.Ordinal);
        if (stored is null)
            return new StoredAllocator(null, rows);
        foreach (var (ident, payload) in stored.Rows)
            rows[ident] = OwnedCodec.Decode(payload);
        return new StoredAllocator(DecodeSnapshot(stored.Parts), rows);
    }

    private static AllocatorSnapshot? DecodeSnapshot(IReadOnlyDictionary<string, byte[]> parts)
    {
        if (!parts.TryGetValue(StoredState.WholeSnapshotPart, out var whole))
            return SnapshotPartCodec.DecodeSnapshot(parts);
        if (parts.Count > 1)
            throw new InvalidDataException("bad snapshot: stored both whole and in parts");
        return SnapshotCodec.Decode(whole);
    }
}
