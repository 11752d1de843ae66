using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Snapshots;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>The snapshot's parts as the engine holds them, and which of them may have changed.</summary>
public sealed partial class Allocator
{
    /// <summary>
    /// Set by the simulator: every snapshot change is also found by comparing the whole snapshot, and
    /// a part the state's owners did not report as touched is reported here (see <see cref="DurableSnapshot"/>).
    /// </summary>
    public Action<string>? ReportSnapshotMiss
    {
        get => _durable.ReportMiss;
        set => _durable.ReportMiss = value;
    }

    /// <summary>
    /// Asks every owner what it changed since the last call (no short cut, so each starts clean); null
    /// when none did, which is the usual case and costs nothing. Otherwise the header is compared too
    /// (one part); the ring, the removals and the quarantine are compared whole when they changed at
    /// all (their size is the ring's, not the network's squared); nicknames and electors, which every
    /// new connection adds to, one by one.
    /// </summary>
    private TouchedParts? TakeTouched()
    {
        var ringChanged = Ownership.TakeRingChanged();
        var nicknames = _peers.TakeTouched();
        var removals = _removals.TakeDirty();
        var quarantine = _quarantine.TakeDirty();
        var electors = _bootstrap.TakeTouched();
        if (!ringChanged && nicknames.Count == 0 && !removals && !quarantine && !electors.All && electors.Nodes.Count == 0)
            return null;
        var touched = new TouchedParts();
        touched.Kind(PartKind.Header);
        if (ringChanged)
        {
            touched.Kind(PartKind.Ring);
            touched.Kind(PartKind.RingEntry);
        }
        foreach (var peer in nicknames)
            touched.Key(new PartKey(PartKind.Nickname, peer.Value));
        if (removals)
            touched.Kind(PartKind.Removal);
        if (quarantine)
            touched.Kind(PartKind.Quarantine);
        if (electors.All)
        {
            touched.Kind(PartKind.Consensus);
            touched.Kind(PartKind.Elector);
        }
        foreach (var node in electors.Nodes)
            touched.Key(new PartKey(PartKind.Elector, node.Value));
        return touched;
    }

    /// <summary>Reads parts off the engine's state without building the whole snapshot.</summary>
    private sealed class LiveParts(Allocator a) : ILiveParts
    {
        public IEnumerable<SnapshotPart> OfKind(PartKind kind) => kind switch
        {
            PartKind.Header => [new HeaderPart(a.Self, a.Nickname, a.Config.Range, a.RemovedFromNetwork)],
            PartKind.Ring => a.Ring.IsEmpty ? [] : [new RingPart(a.Ring.Universe, a.Ring.Seeds.IsDefault ? [] : a.Ring.Seeds)],
            PartKind.RingEntry => a.Ring.Entries.Select(e => new RingEntryPart(e)),
            PartKind.Consensus => a._bootstrap.State is null ? [] : [new ConsensusPart(PaxosState.Empty)],
            PartKind.Elector => a._bootstrap.State is { } state ? state.Select(kv => new ElectorPart(kv.Key, kv.Value)) : [],
            PartKind.Nickname => a._peers.Nicknames.Select(kv => new NicknamePart(kv.Key, kv.Value)),
            PartKind.Removal => a._removals.All.Select(kv => new RemovalPart(kv.Key, kv.Value)),
            PartKind.Quarantine => a._quarantine.Entries.Count == 0 ? [] : [new QuarantinePart([.. a._quarantine.Entries])],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such part"),
        };

        public SnapshotPart? At(PartKey key) => key.Kind switch
        {
            PartKind.Nickname => a._peers.NicknameOf(new PeerName((ulong)key.Id)) is { } nick ? new NicknamePart(new PeerName((ulong)key.Id), nick) : null,
            PartKind.Elector => a._bootstrap.State is { } state && state.Contains(new PeerName((ulong)key.Id))
                ? new ElectorPart(new PeerName((ulong)key.Id), state.ClaimsOf(new PeerName((ulong)key.Id)))
                : null,
            _ => OfKind(key.Kind).SingleOrDefault(p => p.Key == key),
        };
    }
}
