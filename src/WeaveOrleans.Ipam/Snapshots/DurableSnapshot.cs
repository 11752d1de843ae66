using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Snapshots;

/// <summary>
/// The parts of the snapshot as last handed to the driver, which makes them durable before anything
/// else happens (or starts the engine again from the disk): the one place that derives what changed,
/// by comparing the parts that may have changed with what was handed out.
/// </summary>
/// <remarks>
/// Which parts may have changed is what the state's owners report (<see cref="TouchedParts"/>):
/// comparing the whole snapshot on every change cost O(N) per change, and connecting N peers makes N²
/// changes. A part left out of that report would never reach the disk and a restart would bring back
/// stale state, so with <see cref="ReportMiss"/> set (the simulator sets it) every change is also
/// found the old way, by comparing the whole snapshot, and any difference is reported.
/// </remarks>
internal sealed class DurableSnapshot
{
    private static readonly SnapshotChange Nothing = new(false, [], []);

    /// <summary>Null until the first change, which is written whole.</summary>
    private PartTable? _handedOut;

    public bool NothingHandedOut => _handedOut is null;

    /// <summary>When set, every change is checked against a comparison of the whole snapshot.</summary>
    public Action<string>? ReportMiss { get; set; }

    /// <summary>
    /// The change from what was handed out to <paramref name="now"/>, found by comparing every part,
    /// which is handed out in turn: the whole snapshot the first time.
    /// </summary>
    public SnapshotChange Change(AllocatorSnapshot now)
    {
        if (_handedOut is null)
            return First(now);
        var change = CompareAll(_handedOut, SnapshotParts.Split(now));
        _handedOut.Apply(change);
        return change;
    }

    /// <summary>
    /// The change from what was handed out to now, which is handed out in turn: the whole snapshot the
    /// first time, else the parts <paramref name="touched"/> names that differ.
    /// </summary>
    public SnapshotChange Change(TouchedParts touched, ILiveParts live, Func<AllocatorSnapshot> snapshot)
    {
        if (_handedOut is null)
            return First(snapshot());
        var change = Compare(_handedOut, touched, live);
        if (ReportMiss is { } report)
        {
            var full = CompareAll(_handedOut, SnapshotParts.Split(snapshot()));
            if (Describe(change, full) is { } miss)
                report(miss);
        }
        _handedOut.Apply(change);
        return change.IsEmpty ? Nothing : change;
    }

    private SnapshotChange First(AllocatorSnapshot now)
    {
        var whole = SnapshotParts.Split(now).ToList();
        _handedOut = new PartTable(whole);
        return new SnapshotChange(true, whole, []);
    }

    private static SnapshotChange Compare(PartTable before, TouchedParts touched, ILiveParts live)
    {
        var written = new List<SnapshotPart>();
        var removed = new List<PartKey>();
        foreach (var kind in touched.Kinds)
        {
            var now = new HashSet<UInt128>();
            foreach (var part in live.OfKind(kind))
            {
                now.Add(part.Key.Id);
                if (!part.Equals(before.Get(part.Key)))
                    written.Add(part);
            }
            foreach (var old in before.OfKind(kind))
                if (!now.Contains(old.Key.Id))
                    removed.Add(old.Key);
        }
        foreach (var key in touched.Keys)
        {
            if (touched.Kinds.Contains(key.Kind))
                continue;
            var part = live.At(key);
            if (part is null && before.Get(key) is not null)
                removed.Add(key);
            else if (part is not null && !part.Equals(before.Get(key)))
                written.Add(part);
        }
        return new SnapshotChange(false, written, removed);
    }

    /// <summary>The change found by comparing every part, which the touched parts must match.</summary>
    private static SnapshotChange CompareAll(PartTable before, IEnumerable<SnapshotPart> now)
    {
        var written = new List<SnapshotPart>();
        var keys = new HashSet<PartKey>();
        foreach (var part in now)
        {
            keys.Add(part.Key);
            if (!part.Equals(before.Get(part.Key)))
                written.Add(part);
        }
        var removed = before.Kinds.SelectMany(before.OfKind).Select(p => p.Key).Where(k => !keys.Contains(k)).ToList();
        return new SnapshotChange(false, written, removed);
    }

    /// <summary>What <paramref name="tracked"/> got wrong against <paramref name="full"/>; null when they agree.</summary>
    private static string? Describe(SnapshotChange tracked, SnapshotChange full)
    {
        var missed = full.Written.Where(p => !tracked.Written.Contains(p)).Select(p => $"missed write {p}")
            .Concat(tracked.Written.Where(p => !full.Written.Contains(p)).Select(p => $"wrote unchanged {p}"))
            .Concat(full.Removed.Except(tracked.Removed).Select(k => $"missed removal {k}"))
            .Concat(tracked.Removed.Except(full.Removed).Select(k => $"removed present {k}"))
            .ToList();
        return missed.Count == 0 ? null : string.Join("; ", missed.Take(5)) + (missed.Count > 5 ? $" (and {missed.Count - 5} more)" : "");
    }
}
