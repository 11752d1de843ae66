namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>Parts by kind and id: what was handed out, so a change can be found for one kind or one part.</summary>
internal sealed class PartTable
{
    private readonly Dictionary<PartKind, Dictionary<UInt128, SnapshotPart>> _byKind = [];

    public PartTable(IEnumerable<SnapshotPart> parts)
    {
        foreach (var part in parts)
            Set(part);
    }

    public SnapshotPart? Get(PartKey key) =>
        _byKind.TryGetValue(key.Kind, out var parts) ? parts.GetValueOrDefault(key.Id) : null;

    public IEnumerable<SnapshotPart> OfKind(PartKind kind) =>
        _byKind.TryGetValue(kind, out var parts) ? parts.Values : [];

    public IEnumerable<PartKind> Kinds => _byKind.Keys;

    public void Apply(SnapshotChange change)
    {
        foreach (var key in change.Removed)
            if (_byKind.TryGetValue(key.Kind, out var parts))
                parts.Remove(key.Id);
        foreach (var part in change.Written)
            Set(part);
    }

    private void Set(SnapshotPart part)
    {
        if (!_byKind.TryGetValue(part.Key.Kind, out var parts))
            _byKind[part.Key.Kind] = parts = [];
        parts[part.Key.Id] = part;
    }
}
