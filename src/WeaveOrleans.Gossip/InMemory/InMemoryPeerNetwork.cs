using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.InMemory;

/// <summary>
/// Many hosts' transports in one process, with links that tests can cut and heal. A link is up while
/// one side asked to connect to the other, both are started, and the pair is not cut; every change is
/// reported to both ends as PeerConnected / PeerDisconnected, like a TCP connection dropping and
/// being redialled. All events are written under one lock, so each link delivers in order and
/// nothing crosses a link after its PeerDisconnected.
/// </summary>
public sealed class InMemoryPeerNetwork
{
    private readonly object _lock = new();
    private readonly Dictionary<string, InMemoryPeerTransport> _byAddress = [];
    private readonly Dictionary<PeerName, InMemoryPeerTransport> _byName = [];
    private readonly HashSet<(PeerName, PeerName)> _cuts = [];
    private readonly HashSet<(PeerName, PeerName)> _links = [];

    public InMemoryPeerTransport CreateTransport(PeerName name, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        lock (_lock)
        {
            if (_byName.ContainsKey(name)) throw new InvalidOperationException($"peer {name} already has a transport");
            if (_byAddress.ContainsKey(address)) throw new InvalidOperationException($"address {address} is in use");
            var transport = new InMemoryPeerTransport(this, name, address);
            _byName.Add(name, transport);
            _byAddress.Add(address, transport);
            return transport;
        }
    }

    /// <summary>No delivery between any peer of <paramref name="a"/> and any of <paramref name="b"/> until healed.</summary>
    public void Partition(IEnumerable<PeerName> a, IEnumerable<PeerName> b)
    {
        var right = b.ToList();
        lock (_lock)
        {
            foreach (var x in a)
                foreach (var y in right)
                    if (x != y) _cuts.Add(Key(x, y));
            Reconcile();
        }
    }

    /// <summary>Cuts the peer off from every transport that exists now.</summary>
    public void Isolate(PeerName peer)
    {
        lock (_lock)
        {
            foreach (var other in _byName.Keys)
                if (other != peer) _cuts.Add(Key(peer, other));
            Reconcile();
        }
    }

    /// <summary>Cuts one link, leaving both peers' other links alone (so reachability need not be transitive).</summary>
    public void Cut(PeerName a, PeerName b)
    {
        lock (_lock)
        {
            _cuts.Add(Key(a, b));
            Reconcile();
        }
    }

    public void Heal(PeerName a, PeerName b)
    {
        lock (_lock)
        {
            _cuts.Remove(Key(a, b));
            Reconcile();
        }
    }

    public void HealAll()
    {
        lock (_lock)
        {
            _cuts.Clear();
            Reconcile();
        }
    }

    public bool IsLinked(PeerName a, PeerName b)
    {
        lock (_lock) return _links.Contains(Key(a, b));
    }

    internal IReadOnlyCollection<PeerName> LinkedPeers(PeerName peer)
    {
        lock (_lock) return [.. PeersOf(peer)];
    }

    internal void Start(InMemoryPeerTransport t)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(t.Disposed, t);
            if (t.Started) throw new InvalidOperationException("already started");
            t.Started = true;
            Reconcile();
        }
    }

    internal void Connect(InMemoryPeerTransport t, string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(t.Disposed, t);
            if (address == t.Address)
            {
                t.Deliver(new ConnectionRefused(address, $"connection to self ({t.Self})"));
                return;
            }
            if (t.Targets.Add(address)) Reconcile();
        }
    }

    /// <summary>In memory a link exists only while one end wants it, so forgetting the last target of a link drops it.</summary>
    internal bool Forget(InMemoryPeerTransport t, string address)
    {
        lock (_lock)
        {
            if (!t.Targets.Remove(address)) return false;
            Reconcile();
            return true;
        }
    }

    internal bool Send(InMemoryPeerTransport from, PeerName to, ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            if (!_links.Contains(Key(from.Self, to))) return false;
            _byName[to].Deliver(new MessageReceived(from.Self, payload.ToArray()));
            return true;
        }
    }

    internal int Broadcast(InMemoryPeerTransport from, ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            var copy = payload.ToArray();
            var count = 0;
            foreach (var peer in PeersOf(from.Self))
            {
                _byName[peer].Deliver(new MessageReceived(from.Self, copy));
                count++;
            }
            return count;
        }
    }

    internal void Remove(InMemoryPeerTransport t)
    {
        lock (_lock)
        {
            if (t.Disposed) return;
            t.Disposed = true;
            _byName.Remove(t.Self);
            _byAddress.Remove(t.Address);
            Reconcile();
        }
    }

    /// <summary>Brings the set of up links in line with what is wanted and allowed, reporting each change.</summary>
    private void Reconcile()
    {
        var wanted = new HashSet<(PeerName, PeerName)>();
        foreach (var t in _byName.Values.Where(t => t.Started))
            foreach (var address in t.Targets)
                if (_byAddress.TryGetValue(address, out var u) && u.Started && u != t && !_cuts.Contains(Key(t.Self, u.Self)))
                    wanted.Add(Key(t.Self, u.Self));

        foreach (var (a, b) in _links.Where(l => !wanted.Contains(l)).Order().ToList())
        {
            _links.Remove((a, b));
            // A disposed end gets nothing more: its event stream is being completed.
            if (_byName.TryGetValue(a, out var ta)) ta.Deliver(new PeerDisconnected(b));
            if (_byName.TryGetValue(b, out var tb)) tb.Deliver(new PeerDisconnected(a));
        }
        foreach (var (a, b) in wanted.Where(l => !_links.Contains(l)).Order().ToList())
        {
            var ta = _byName[a];
            var tb = _byName[b];
            _links.Add((a, b));
            ta.Deliver(new PeerConnected(b, tb.Address, KnownBy(tb)));
            tb.Deliver(new PeerConnected(a, ta.Address, KnownBy(ta)));
        }
    }

    /// <summary>What a peer would advertise in a handshake: where it dials and who it is linked to.</summary>
    private List<string> KnownBy(InMemoryPeerTransport t) =>
        [.. t.Targets.Union(PeersOf(t.Self).Select(p => _byName[p].Address)).Order(StringComparer.Ordinal)];

    private IEnumerable<PeerName> PeersOf(PeerName peer) =>
        _links.Where(l => l.Item1 == peer || l.Item2 == peer).Select(l => l.Item1 == peer ? l.Item2 : l.Item1).Order();

    private static (PeerName, PeerName) Key(PeerName a, PeerName b) => a < b ? (a, b) : (b, a);
}
