using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>
/// The parts of the snapshot as last handed to the driver, which makes them durable before anything
/// else happens (or starts the engine again from the disk): the one place that derives what changed,
/// by comparing the snapshot now with that, part by part.
/// </summary>
internal sealed class DurableSnapshot
{
    /// <summary>Null until the first change, which is written whole.</summary>
    private Dictionary<PartKey, SnapshotPart>? _handedOut;

    public bool NothingHandedOut => _handedOut is null;

    /// <summary>The change from what was handed out to <paramref name="now"/>, which is handed out in turn.</summary>
    public SnapshotChange Change(AllocatorSnapshot now)
    {
        var parts = new Dictionary<PartKey, SnapshotPart>();
        foreach (var part in SnapshotParts.Split(now))
            parts.Add(part.Key, part);
        var before = _handedOut;
        _handedOut = parts;
        if (before is null)
            return new SnapshotChange(true, [.. parts.Values], []);
        var written = new List<SnapshotPart>();
        foreach (var (key, part) in parts)
            if (!before.TryGetValue(key, out var old) || !old.Equals(part))
                written.Add(part);
        var removed = new List<PartKey>();
        foreach (var key in before.Keys)
            if (!parts.ContainsKey(key))
                removed.Add(key);
        return new SnapshotChange(false, written, removed);
    }
}
