namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>
/// Which parts of the snapshot may have changed since it was last handed out, as the state's owners
/// report it: whole kinds (every part of the kind is compared, and any handed out that is gone is
/// removed) and single parts. What is not named here is not looked at, so a change costs what it
/// touched, not the size of the snapshot; the simulator checks that nothing is ever left out.
/// </summary>
internal sealed class TouchedParts
{
    private readonly HashSet<PartKind> _kinds = [];
    private readonly HashSet<PartKey> _keys = [];

    public IReadOnlySet<PartKind> Kinds => _kinds;

    public IReadOnlySet<PartKey> Keys => _keys;

    public void Kind(PartKind kind) => _kinds.Add(kind);

    public void Key(PartKey key) => _keys.Add(key);
}

/// <summary>The parts of the snapshot as the engine holds them now, read one kind or one part at a time.</summary>
internal interface ILiveParts
{
    /// <summary>Every part of <paramref name="kind"/>, in no particular order.</summary>
    IEnumerable<SnapshotPart> OfKind(PartKind kind);

    /// <summary>The part named <paramref name="key"/>; null when there is none.</summary>
    SnapshotPart? At(PartKey key);
}
