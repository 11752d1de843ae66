using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>The one place that turns what the engine says changed into the bytes to commit.</summary>
internal static class DurableChange
{
    /// <summary>
    /// Null when nothing needs persisting. Reads the changed rows and snapshot back from the engine; the
    /// snapshot also goes with the first rows of a host that has none on disk, since a start discards
    /// rows that no snapshot names the peer and range of.
    /// </summary>
    public static StateChange? From(Effects effects, Allocator engine, bool snapshotOnDisk)
    {
        if (effects.ChangedIdents.Count == 0 && !effects.SnapshotChanged)
            return null;
        var rows = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var ident in effects.ChangedIdents)
            rows[ident] = engine.Owned.TryGetValue(ident, out var owned) ? OwnedCodec.Encode(owned) : null;
        var snapshot = effects.SnapshotChanged || !snapshotOnDisk ? SnapshotCodec.Encode(engine.Snapshot()) : null;
        return new StateChange(snapshot, rows);
    }
}
