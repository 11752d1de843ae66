namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// Everything the engine produced since the driver last asked. The driver must make the state
/// changes durable FIRST (<see cref="ChangedIdents"/> rows and, if <see cref="SnapshotChanged"/>,
/// the snapshot, in one transaction), and only then send <see cref="Messages"/> and release
/// <see cref="Completions"/>: an acknowledged address or a consensus vote must never be forgotten.
/// </summary>
public sealed class Effects
{
    public List<Completion> Completions { get; } = [];

    public List<Outgoing> Messages { get; } = [];

    public HashSet<string> ChangedIdents { get; } = [];

    public bool SnapshotChanged { get; set; }

    public List<LogEvent> Log { get; } = [];
}
