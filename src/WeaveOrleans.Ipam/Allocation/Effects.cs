using WeaveOrleans.Ipam.Snapshots;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Everything the engine produced since the driver last asked, the state to persist included. The
/// driver must make <see cref="Rows"/> and the <see cref="Snapshot"/> parts durable FIRST (in one transaction),
/// and only then send <see cref="Messages"/> and release <see cref="Completions"/>: an acknowledged
/// address or a consensus vote must never be forgotten.
/// </summary>
public sealed class Effects
{
    public List<Completion> Completions { get; } = [];

    public List<Outgoing> Messages { get; } = [];

    /// <summary>Each ident whose row changed, with what it holds now; null when its row is to be deleted.</summary>
    public IReadOnlyDictionary<string, OwnedAddresses?> Rows { get; internal set; } = new Dictionary<string, OwnedAddresses?>();

    /// <summary>The parts of the snapshot to persist, when any changed; else null.</summary>
    public SnapshotChange? Snapshot { get; internal set; }

    /// <summary>Whether there is anything to persist.</summary>
    public bool ChangesState => Rows.Count > 0 || Snapshot is not null;

    public List<LogEvent> Log { get; } = [];
}
