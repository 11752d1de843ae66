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
    public IReadOnlyList<Completion> Completions => (IReadOnlyList<Completion>?)_completions ?? [];

    public IReadOnlyList<Outgoing> Messages => (IReadOnlyList<Outgoing>?)_messages ?? [];

    /// <summary>Each ident whose row changed, with what it holds now; null when its row is to be deleted.</summary>
    public IReadOnlyDictionary<string, OwnedAddresses?> Rows { get; internal set; } = NoRows;

    /// <summary>The parts of the snapshot to persist, when any changed; else null.</summary>
    public SnapshotChange? Snapshot { get; internal set; }

    /// <summary>Whether there is anything to persist.</summary>
    public bool ChangesState => Rows.Count > 0 || Snapshot is not null;

    public IReadOnlyList<LogEvent> Log => (IReadOnlyList<LogEvent>?)_log ?? [];

    // Made on first use: most effects carry no log and no message, and an allocation one answer (room
    // for one, not a list's default four).
    private List<Completion>? _completions;
    private List<Outgoing>? _messages;
    private List<LogEvent>? _log;

    internal void Add(Completion completion) => (_completions ??= new List<Completion>(1)).Add(completion);

    internal void Add(Outgoing message) => (_messages ??= []).Add(message);

    internal void Add(LogEvent log) => (_log ??= []).Add(log);

    // Shared because TakeEffects replaces it: a fresh empty dictionary per request was a quarter of what
    // an allocation allocated.
    private static readonly IReadOnlyDictionary<string, OwnedAddresses?> NoRows =
        System.Collections.Frozen.FrozenDictionary<string, OwnedAddresses?>.Empty;
}
