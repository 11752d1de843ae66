using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// What this peer knows of the others: every nickname it has heard (persisted; a change marks the
/// peer it is about touched) and which peers the transport says are connected now (not persisted).
/// </summary>
internal sealed class PeerBook
{
    private readonly Dictionary<PeerName, string> _nicknames = [];
    private readonly HashSet<PeerName> _reachable = [];
    /// <summary>Peers whose nickname was learnt since the last <see cref="TakeTouched"/>.</summary>
    private HashSet<PeerName> _touched = [];

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
                _touched.Add(peer);
                changed = true;
            }
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

    /// <summary>
    /// The peers whose nickname was learnt since the last call: only their records are written, since
    /// every hello teaches one and a thousand peers make a million hellos.
    /// </summary>
    public IReadOnlyCollection<PeerName> TakeTouched()
    {
        if (_touched.Count == 0)
            return [];
        var touched = _touched;
        _touched = [];
        return touched;
    }

    /// <summary>Whether the nicknames changed since the last call.</summary>
    public bool TakeDirty() => TakeTouched().Count > 0;
}
