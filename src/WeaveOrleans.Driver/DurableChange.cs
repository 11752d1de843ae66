using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Driver;

/// <summary>The one place that turns what the engine says changed into the bytes to commit.</summary>
internal static class DurableChange
{
    private static readonly IReadOnlyDictionary<string, byte[]?> NoParts = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    /// <summary>Null when nothing needs persisting. Encodes the rows and the snapshot parts the effects carry.</summary>
    public static StateChange? From(Effects effects)
    {
        if (!effects.ChangesState)
            return null;
        var rows = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (ident, owned) in effects.Rows)
            rows[ident] = owned is null ? null : OwnedCodec.Encode(owned);
        return effects.Snapshot is { } snapshot
            ? new StateChange(SnapshotPartCodec.EncodeChange(snapshot), rows, snapshot.Whole)
            : new StateChange(NoParts, rows);
    }
}
