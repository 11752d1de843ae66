using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// The peers removed with rmpeer (or that left with reset), each with the peer that took its ranges: a
/// grow-only map every peer gossips, so that a removed peer that comes back learns it must reset. Also
/// whether this peer itself has been removed. Persisted; every change marks it dirty.
/// </summary>
internal sealed class Removals(PeerName self)
{
    private readonly Dictionary<PeerName, PeerName> _removed = [];
    private bool _dirty;

    public IReadOnlyDictionary<PeerName, PeerName> All => _removed;

    public int Count => _removed.Count;

    /// <summary>This peer's ranges were taken over: it must not hand out another address until reset.</summary>
    public bool SelfRemoved { get; private set; }

    public bool IsRemoved(PeerName peer) => _removed.ContainsKey(peer);

    public bool TryGetRemover(PeerName victim, out PeerName remover) => _removed.TryGetValue(victim, out remover);

    /// <summary>Records that <paramref name="remover"/> took over <paramref name="victim"/>'s ranges.</summary>
    public void Record(PeerName victim, PeerName remover)
    {
        _removed[victim] = remover;
        _dirty = true;
    }

    /// <summary>
    /// Grow-only union. Two removers of one peer (rmpeer run on two hosts at once) settle on the same
    /// answer everywhere: the lower peer name.
    /// </summary>
    /// <returns>Each victim whose remover is new, with the remover it had before (default when none).</returns>
    public IReadOnlyList<(PeerName Victim, PeerName Previous)> Merge(IReadOnlyDictionary<PeerName, PeerName> incoming)
    {
        // Every gossip message carries the removals; almost always nothing in them is new.
        List<(PeerName, PeerName)>? changed = null;
        foreach (var (victim, remover) in incoming)
        {
            if (_removed.TryGetValue(victim, out var known) && known <= remover)
                continue;
            _removed[victim] = remover;
            (changed ??= []).Add((victim, known));
        }
        _dirty |= changed is not null;
        return changed ?? [];
    }

    /// <summary>
    /// Whether <paramref name="heir"/> now stands for <paramref name="remover"/>: it is the remover, or
    /// took over (or inherited on reset) the remover's ranges, possibly through a chain of such steps.
    /// </summary>
    public bool InheritedBy(PeerName heir, PeerName remover)
    {
        for (var steps = 0; steps <= _removed.Count; steps++)
        {
            if (remover == heir)
                return true;
            if (!_removed.TryGetValue(remover, out remover))
                return false;
        }
        return false;
    }

    /// <summary>Removed peers whose ranges fall to this peer (it removed them, or inherited from who did).</summary>
    public List<PeerName> InheritedBySelf(IReadOnlySet<PeerName> among) =>
        [.. _removed.Where(kv => among.Contains(kv.Key) && kv.Key != self && InheritedBy(self, kv.Value)).Select(kv => kv.Key)];

    public void MarkSelfRemoved()
    {
        SelfRemoved = true;
        _dirty = true;
    }

    /// <summary>What storage held: durable already, so not marked.</summary>
    public void Restore(IEnumerable<KeyValuePair<PeerName, PeerName>> removed, bool selfRemoved)
    {
        foreach (var (victim, remover) in removed)
            _removed[victim] = remover;
        SelfRemoved = selfRemoved;
    }

    public ImmutableDictionary<PeerName, PeerName> ToImmutable() => _removed.ToImmutableDictionary();

    /// <summary>Whether anything changed since the last call.</summary>
    public bool TakeDirty()
    {
        var dirty = _dirty;
        _dirty = false;
        return dirty;
    }
}
