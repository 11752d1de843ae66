using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>The one place that turns what the engine says changed into the bytes to commit.</summary>
internal static class DurableChange
{
    /// <summary>
    /// Null when nothing needs persisting. Encodes the rows and snapshot the effects carry; the
    /// snapshot also goes with the first rows of a host that has none on disk, since a start discards
    /// rows that no snapshot names the peer and range of.
    /// </summary>
    public static StateChange? From(Effects effects, Allocator engine, bool snapshotOnDisk)
    {
        if (!effects.ChangesState)
            return null;
        var rows = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (ident, owned) in effects.Rows)
            rows[ident] = owned is null ? null : OwnedCodec.Encode(owned);
        var snapshot = effects.Snapshot ?? (snapshotOnDisk ? null : engine.Snapshot());
        return new StateChange(snapshot is null ? null : SnapshotCodec.Encode(snapshot), rows);
    }
}
