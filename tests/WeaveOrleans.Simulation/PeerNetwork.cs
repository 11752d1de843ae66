using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

/// <summary>
/// Several allocators wired by an in-test message pump. Which in-flight message is delivered next is
/// drawn from a seeded random source, so a seed replays a run exactly. Links can be cut and healed;
/// the clock moves only when told to.
/// </summary>
public sealed class PeerNetwork(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<(PeerName From, PeerName To, PeerMessage Message)> _inFlight = [];
    private readonly HashSet<(PeerName, PeerName)> _cut = [];
    private long _nextRequest = 1;

    public List<SimPeer> Peers { get; } = [];

    /// <summary>Rare engine branches switched on by seed; none by default.</summary>
    public WeaveOrleans.Ipam.Allocation.IFaultPoints? FaultPoints { get; set; }

    /// <summary>Chance that a delivered message is lost instead.</summary>
    public double LossProbability { get; set; }

    /// <summary>Chance that a delivered message is delivered again later.</summary>
    public double DuplicateProbability { get; set; }

    /// <summary>Engine log lines at this level and above go into <see cref="Trace"/>.</summary>
    public LogLevel TraceLevel { get; set; } = LogLevel.Info;

    /// <summary>Events worth reading when a seed fails.</summary>
    public List<string> Trace { get; } = [];

    public int Lost { get; private set; }

    public int Duplicated { get; private set; }

    public int InFlight => _inFlight.Count;

    public void Note(string text) => Trace.Add($"[{Now.TotalSeconds,7:0.0}s] {text}");

    public TimeSpan Now { get; private set; }

    public int Delivered { get; private set; }

    /// <summary>What was delivered, by kind, with its size on the wire.</summary>
    public MessageTally Messages { get; } = new();

    public static PeerName Name(int n) => new(((ulong)n << 40) | (2UL << 16));

    public SimPeer this[int n] => Peers.Single(p => p.Name == Name(n));

    public SimPeer Add(int n, AllocatorConfig config) => Add(Name(n), $"nick-{n:00}", config);

    public SimPeer Add(PeerName name, string nickname, AllocatorConfig config)
    {
        var peer = new SimPeer(name, nickname, config, new Allocator(config, name, nickname, new Random(_random.Next())) { FaultPoints = FaultPoints });
        Peers.Add(peer);
        Flush(peer);
        foreach (var other in Peers.Where(p => p != peer && p.Up))
            Link(peer, other);
        return peer;
    }

    public bool Connected(SimPeer a, SimPeer b) => a.Up && b.Up && !_cut.Contains(Key(a.Name, b.Name));

    private static (PeerName, PeerName) Key(PeerName a, PeerName b) => a < b ? (a, b) : (b, a);

    private void Link(SimPeer a, SimPeer b)
    {
        if (!Connected(a, b))
            return;
        a.Allocator.PeerConnected(b.Name, Now);
        Flush(a);
        b.Allocator.PeerConnected(a.Name, Now);
        Flush(b);
    }

    private void Unlink(SimPeer a, SimPeer b)
    {
        a.Allocator.PeerDisconnected(b.Name);
        b.Allocator.PeerDisconnected(a.Name);
        _inFlight.RemoveAll(m => (m.From == a.Name && m.To == b.Name) || (m.From == b.Name && m.To == a.Name));
    }

    public void Cut(SimPeer a, SimPeer b)
    {
        if (_cut.Add(Key(a.Name, b.Name)))
            Unlink(a, b);
    }

    public void Heal(SimPeer a, SimPeer b)
    {
        if (_cut.Remove(Key(a.Name, b.Name)))
            Link(a, b);
    }

    /// <summary>No link between any member of <paramref name="side"/> and anyone else.</summary>
    public void Partition(params SimPeer[] side)
    {
        foreach (var a in side)
            foreach (var b in Peers.Except(side))
                Cut(a, b);
    }

    public void HealAll()
    {
        foreach (var (a, b) in _cut.ToList())
            Heal(Peers.Single(p => p.Name == a), Peers.Single(p => p.Name == b));
    }

    /// <summary>Collects what the peer produced and puts its messages on the wire.</summary>
    public void Flush(SimPeer peer)
    {
        var effects = peer.Allocator.TakeEffects();
        foreach (var log in effects.Log.Where(l => l.Level >= TraceLevel))
            Note($"  {peer.Nickname} says: {log.Message}");
        foreach (var outgoing in peer.Absorb(effects))
        {
            var target = Peers.SingleOrDefault(p => p.Name == outgoing.To);
            if (target is not null && Connected(peer, target))
                _inFlight.Add((peer.Name, outgoing.To, outgoing.Message));
        }
    }

    /// <summary>Delivers one in-flight message, chosen by the seed. False when nothing is in flight.</summary>
    public bool Step()
    {
        if (_inFlight.Count == 0)
            return false;
        var i = _random.Next(_inFlight.Count);
        var (from, to, message) = _inFlight[i];
        _inFlight.RemoveAt(i);
        if (LossProbability > 0 && _random.NextDouble() < LossProbability)
        {
            Lost++;
            return true;
        }
        if (DuplicateProbability > 0 && _random.NextDouble() < DuplicateProbability)
        {
            Duplicated++;
            _inFlight.Add((from, to, message));
        }
        Deliver(from, to, message);
        return true;
    }

    /// <summary>
    /// Hands a message to its target, if it is up, and puts what that produced on the wire. The target
    /// gets what the wire format carries, not the sender's object.
    /// </summary>
    private void Deliver(PeerName from, PeerName to, PeerMessage message)
    {
        var target = Peers.Single(p => p.Name == to);
        if (!target.Up)
            return;
        var bytes = MessageCodec.Encode(message);
        var received = MessageCodec.Decode(bytes);
        Messages.Add(MessageTally.KindOf(received), 1, bytes.Length);
        target.Allocator.Receive(from, received, Now);
        Delivered++;
        Flush(target);
    }

    /// <summary>Delivers until nothing is in flight (bounded, so a message storm fails loudly).</summary>
    public void Settle(int maxSteps = 100_000)
    {
        for (var n = 0; n < maxSteps; n++)
            if (!Step())
                return;
        var busiest = _inFlight.GroupBy(m => $"{m.From}->{m.To} {m.Message.GetType().Name}")
            .OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Key} x{g.Count()}");
        throw new InvalidOperationException($"network did not settle within {maxSteps} deliveries; in flight: {string.Join("; ", busiest)}");
    }

    /// <summary>Moves the clock by <paramref name="by"/>, ticking every live peer once and letting each gossip, then settles.</summary>
    public void Tick(TimeSpan? by = null)
    {
        Now += by ?? TimeSpan.FromSeconds(5);
        foreach (var peer in Peers.Where(p => p.Up))
        {
            peer.Allocator.Tick(Now);
            Flush(peer);
        }
        Settle();
        foreach (var peer in Peers.Where(p => p.Up))
        {
            peer.Allocator.GossipPeriodically();
            Flush(peer);
        }
        Settle();
    }

    public long Allocate(SimPeer peer, string ident, string? subnet = null, bool isContainer = true)
    {
        var id = _nextRequest++;
        peer.Allocator.Allocate(id, ident, subnet is null ? null : Cidr.ParseSubnet(subnet), isContainer, Now);
        Flush(peer);
        return id;
    }

    public long Claim(SimPeer peer, string ident, string address, bool isContainer = true, bool noErrorOnUnknown = false)
    {
        var id = _nextRequest++;
        peer.Allocator.Claim(id, ident, Cidr.Parse(address), isContainer, noErrorOnUnknown, Now);
        Flush(peer);
        return id;
    }

    public long Prime(SimPeer peer)
    {
        var id = _nextRequest++;
        peer.Allocator.Prime(id, Now);
        Flush(peer);
        return id;
    }

    /// <summary>
    /// Runs a command the engine answers at once (free, delete, rmpeer, shutdown) under a new request
    /// id, puts what it produced on the wire, and returns its answer.
    /// </summary>
    public Outcome Run(SimPeer peer, Action<Allocator, long> command)
    {
        var id = _nextRequest++;
        command(peer.Allocator, id);
        Flush(peer);
        return peer.Answers.TryGetValue(id, out var outcome)
            ? outcome
            : throw new InvalidOperationException($"request {id} on {peer} was not answered at once");
    }

    /// <summary>Runs a shutdown (weave reset) and returns the heir, <see cref="PeerName.None"/> when there is none.</summary>
    public PeerName Shutdown(SimPeer peer) =>
        Run(peer, (a, id) => a.Shutdown(id, Now)) is Outcome.Ok { Heir: { } heir } ? heir : PeerName.None;

    /// <summary>Runs <paramref name="action"/> on the peer's allocator and puts what it produced on the wire.</summary>
    public T Do<T>(SimPeer peer, Func<Allocator, T> action)
    {
        var result = action(peer.Allocator);
        Flush(peer);
        return result;
    }

    /// <summary>The answer to a request, after letting the network settle.</summary>
    public Outcome? Answer(SimPeer peer, long requestId)
    {
        Settle();
        return peer.Answers.GetValueOrDefault(requestId);
    }

    /// <summary>The address an allocation got; fails the test with the outcome otherwise.</summary>
    public string Address(SimPeer peer, long requestId) =>
        Answer(peer, requestId) is Outcome.Ok { Address: { } cidr } ? cidr.ToString() : throw new InvalidOperationException($"request {requestId} on {peer}: {Answer(peer, requestId)?.ToString() ?? "no answer"}");

    /// <summary>The peer stops; its in-flight messages are lost; what it persisted stays.</summary>
    public void Crash(SimPeer peer)
    {
        foreach (var other in Peers.Where(p => p != peer && Connected(peer, p)))
            Unlink(peer, other);
        peer.Up = false;
    }

    /// <summary>Moves the clock without ticking anyone.</summary>
    public void AdvanceClock(TimeSpan by) => Now += by;

    /// <summary>Delivers, loss-free, every message <paramref name="from"/> has in flight (a sender that waits for acknowledgement).</summary>
    public void DeliverAllFrom(SimPeer from)
    {
        while (_inFlight.FindIndex(m => m.From == from.Name) is var i and >= 0)
        {
            var (_, to, message) = _inFlight[i];
            _inFlight.RemoveAt(i);
            Deliver(from.Name, to, message);
        }
    }

    /// <summary>Delivers everything in flight without loss (the operator waited for gossip to settle).</summary>
    public void SettleReliably(int maxSteps = 100_000)
    {
        var (loss, dup) = (LossProbability, DuplicateProbability);
        (LossProbability, DuplicateProbability) = (0, 0);
        try
        {
            Settle(maxSteps);
        }
        finally
        {
            (LossProbability, DuplicateProbability) = (loss, dup);
        }
    }

    /// <summary>
    /// The peer restarts from what it persisted before the others notice it went (a reboot behind
    /// half-open connections): they are never told it disconnected, so they keep what they knew of
    /// its old incarnation, and messages in flight to it reach the new one.
    /// </summary>
    public void Reboot(SimPeer peer)
    {
        _inFlight.RemoveAll(m => m.From == peer.Name);
        Restart(peer);
    }

    /// <summary>The peer starts again from what it persisted.</summary>
    public void Restart(SimPeer peer, AllocatorConfig? config = null)
    {
        var cfg = config ?? peer.Config;
        peer.Allocator = Allocator.Restore(cfg, peer.Name, peer.Nickname, new Random(_random.Next()), peer.PersistedSnapshot, peer.PersistedRows);
        peer.Allocator.FaultPoints = FaultPoints;
        peer.Up = true;
        Flush(peer);
        foreach (var other in Peers.Where(p => p != peer && p.Up))
            Link(peer, other);
    }
}
