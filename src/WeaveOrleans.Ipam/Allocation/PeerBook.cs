using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// What this peer knows of the others: every nickname it has heard (persisted; a change marks the
/// book dirty) and which peers the transport says are connected now (not persisted).
/// </summary>
internal sealed class PeerBook
{
    private readonly Dictionary<PeerName, string> _nicknames = [];
    private readonly HashSet<PeerName> _reachable = [];
    private bool _dirty;

    public PeerBook(PeerName self, string nickname)
    {
        Self = self;
        _nicknames[self] = nickname;
    }

    public PeerName Self { get; }

    public IReadOnlyDictionary<PeerName, string> Nicknames => _nicknames;

    public IReadOnlyCollection<PeerName> Reachable => _reachable;

    public string? NicknameOf(PeerName peer) => _nicknames.GetValueOrDefault(peer);

    public string NameOf(PeerName peer) =>
        _nicknames.TryGetValue(peer, out var nick) ? $"{peer}({nick})" : peer.ToString();

    /// <summary>A peer named by nickname first, else by its peer name; null when neither fits.</summary>
    public PeerName? Resolve(string nameOrNickname)
    {
        foreach (var (peer, nick) in _nicknames)
            if (nick == nameOrNickname)
                return peer;
        return PeerName.TryParse(nameOrNickname, out var name, out _) ? name : null;
    }

    /// <summary>Takes the nicknames another peer knows; this peer's own stays as launched.</summary>
    /// <returns>Whether any was new.</returns>
    public bool Learn(IEnumerable<KeyValuePair<PeerName, string>> nicknames)
    {
        var changed = false;
        foreach (var (peer, nick) in nicknames)
            if (peer != Self && _nicknames.GetValueOrDefault(peer) != nick)
            {
                _nicknames[peer] = nick;
                changed = true;
            }
        _dirty |= changed;
        return changed;
    }

    /// <summary>Nicknames read back from storage: durable already, so not marked.</summary>
    public void Restore(IEnumerable<KeyValuePair<PeerName, string>> nicknames)
    {
        foreach (var (peer, nick) in nicknames)
            if (peer != Self)
                _nicknames[peer] = nick;
    }

    public ImmutableDictionary<PeerName, string> ToImmutable() => _nicknames.ToImmutableDictionary();

    public bool IsReachable(PeerName peer) => peer == Self || _reachable.Contains(peer);

    /// <returns>False when it was connected already (or is this peer).</returns>
    public bool Connected(PeerName peer) => peer != Self && _reachable.Add(peer);

    public void Disconnected(PeerName peer) => _reachable.Remove(peer);

    /// <summary>Whether the nicknames changed since the last call.</summary>
    public bool TakeDirty()
    {
        var dirty = _dirty;
        _dirty = false;
        return dirty;
    }
}
