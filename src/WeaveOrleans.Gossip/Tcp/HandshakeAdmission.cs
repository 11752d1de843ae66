using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Which unauthenticated inbound connections get a handshake slot. Each source is rate-limited and
/// holds only a few slots; when slots run out the newcomer takes the slot of the oldest pending
/// handshake of its own source, else of any stranger, so connections that just sit there cannot
/// hold the port shut, and a source that completed a handshake before (a known peer reconnecting)
/// is never shed for a stranger. A real handshake takes milliseconds; being shed costs it only if
/// that many newer connections arrive first.
/// </summary>
internal sealed class HandshakeAdmission : IDisposable
{
    private const int MaxKnownSources = 1024;

    private readonly int _maxPending;
    private readonly int _maxPerSource;
    private readonly PartitionedRateLimiter<IPAddress> _rate;
    private readonly LinkedList<Slot> _pending = [];
    private readonly Dictionary<IPAddress, long> _known = [];
    private readonly object _lock = new();

    /// <param name="refill">Every this long a source gets <paramref name="perSecondPerSource"/> more connections (tests stretch it).</param>
    public HandshakeAdmission(int maxPending, int maxPerSource, int burstPerSource, int perSecondPerSource, TimeSpan? refill = null)
    {
        _maxPending = maxPending;
        _maxPerSource = maxPerSource;
        _rate = PartitionedRateLimiter.Create<IPAddress, IPAddress>(source => RateLimitPartition.GetTokenBucketLimiter(source, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = burstPerSource,
                TokensPerPeriod = perSecondPerSource,
                ReplenishmentPeriod = refill ?? TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public int Pending
    {
        get { lock (_lock) return _pending.Count; }
    }

    /// <summary>A slot for a connection from <paramref name="address"/>, or null with the reason it gets none.</summary>
    public Slot? TryAdmit(IPAddress address, out string refusal)
    {
        var source = SourceOf(address);
        using (var lease = _rate.AttemptAcquire(source))
        {
            if (!lease.IsAcquired)
            {
                refusal = "too many connections from this address: rate-limited";
                return null;
            }
        }
        Slot? victim;
        Slot slot;
        lock (_lock)
        {
            var known = _known.ContainsKey(source);
            victim = _pending.Count(s => s.Source.Equals(source)) >= _maxPerSource
                ? _pending.First(s => s.Source.Equals(source))
                : _pending.Count >= _maxPending
                    ? _pending.FirstOrDefault(s => !s.Known) ?? (known ? _pending.First!.Value : null)
                    : null;
            if (_pending.Count >= _maxPending && victim is null)
            {
                refusal = "too many handshakes in progress from known peers";
                return null;
            }
            victim?.Remove();
            slot = new Slot(this, source, known);
            slot.Node = _pending.AddLast(slot);
        }
        // Outside the lock: cancelling runs the shed handshake's callbacks.
        victim?.Shed();
        refusal = "";
        return slot;
    }

    /// <summary>Connections from <paramref name="address"/> are from a peer from now on.</summary>
    public void MarkKnown(IPAddress address)
    {
        var source = SourceOf(address);
        lock (_lock)
        {
            if (_known.Count >= MaxKnownSources && !_known.ContainsKey(source))
                _known.Remove(_known.MinBy(k => k.Value).Key);
            _known[source] = Environment.TickCount64;
        }
    }

    /// <summary>IPv4 addresses count one by one; an IPv6 source is its /64, which one host usually has whole.</summary>
    private static IPAddress SourceOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    public void Dispose() => _rate.Dispose();

    /// <summary>One pending handshake; its token fires when a newer connection takes the slot.</summary>
    public sealed class Slot : IDisposable
    {
        private readonly HandshakeAdmission _owner;
        private readonly CancellationTokenSource _shed = new();

        internal Slot(HandshakeAdmission owner, IPAddress source, bool known)
        {
            _owner = owner;
            Source = source;
            Known = known;
        }

        internal LinkedListNode<Slot>? Node { get; set; }

        public IPAddress Source { get; }

        public bool Known { get; }

        public CancellationToken Shedding => _shed.Token;

        public bool WasShed { get; private set; }

        /// <summary>Takes the slot back, under the owner's lock, while it is pending; <see cref="Shed"/> follows.</summary>
        internal void Remove()
        {
            _owner._pending.Remove(Node!);
            Node = null;
            WasShed = true;
        }

        // The source has no timer and its registrations go with the handshake's linked source, so it
        // is never disposed: a shed racing the handshake's own end then needs no guard.
        internal void Shed() => _shed.Cancel();

        public void Dispose()
        {
            lock (_owner._lock)
            {
                if (Node is not null)
                {
                    _owner._pending.Remove(Node);
                    Node = null;
                }
            }
        }
    }
}
