namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>
/// What of the snapshot to persist: the parts written (new or different) and the keys of parts gone.
/// When <see cref="Whole"/>, <see cref="Written"/> is the entire snapshot and any other stored part
/// (of an earlier peer or range, or the whole-snapshot record of an earlier release) must go with it.
/// </summary>
public sealed record SnapshotChange(bool Whole, IReadOnlyList<SnapshotPart> Written, IReadOnlyList<PartKey> Removed)
{
    public bool IsEmpty => !Whole && Written.Count == 0 && Removed.Count == 0;
}
