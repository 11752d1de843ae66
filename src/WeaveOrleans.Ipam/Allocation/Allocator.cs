using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Ownership;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// One peer's IPAM as a deterministic state machine. Every input is a method call carrying the
/// current time; every output collects in <see cref="Effects"/> (answers, messages, what to persist).
/// No threads, clock, I/O or ambient randomness: the same inputs and seed give the same run. Each
/// operation lives in its own file (Allocator.*.cs).
/// </summary>
public sealed partial class Allocator
{
    private readonly Random _random;
    private readonly Dictionary<string, OwnedAddresses> _owned = [];
    private readonly Dictionary<Address, string> _holders = [];
    private readonly Dictionary<string, TimeSpan> _dead = [];
    private readonly Dictionary<PeerName, string> _nicknames = [];
    private readonly HashSet<PeerName> _reachable = [];
    private readonly Dictionary<PeerName, PeerName> _removed = [];
    private readonly List<PendingOp> _pending = [];
    private Participant? _paxos;
    private bool _awaitingConsensus;
    private bool _shuttingDown;
    private Effects _effects = new();

    public Allocator(AllocatorConfig config, PeerName self, string nickname, Random random)
        : this(config, self, nickname, random, startFresh: true)
    {
    }

    private Allocator(AllocatorConfig config, PeerName self, string nickname, Random random, bool startFresh)
    {
        if (config.Problem() is { } problem)
            throw new ArgumentException(problem, nameof(config));
        Config = config;
        Self = self;
        Nickname = nickname;
        _random = random;
        _epoch = (ulong)random.NextInt64();
        Ownership = new RingSpace(config.Range.Range, self);
        _nicknames[self] = nickname;
        // A first snapshot goes out with the first flush, so rows are never persisted without one
        // naming their peer and range.
        _effects.SnapshotChanged = true;
        if (startFresh)
            StartParticipant();
    }

    public AllocatorConfig Config { get; }

    public PeerName Self { get; }

    public string Nickname { get; }

    internal RingSpace Ownership { get; private set; }

    public Ring Ring => Ownership.Ring;

    public AddressRange Universe => Config.Range.Range;

    /// <summary>The last ring another peer sent that could not be merged, for status.</summary>
    public RingMergeError? LastMergeError { get; private set; }

    /// <summary>
    /// Set when the network says this peer's ranges were taken over with rmpeer: it must not hand out
    /// another address until it is reset, or it would duplicate the new owner's.
    /// </summary>
    public bool RemovedFromNetwork { get; private set; }

    public int RejectedMerges { get; private set; }

    /// <summary>Rare branches forced by the simulator; null in production.</summary>
    public IFaultPoints? FaultPoints { get; set; }

    private bool Fire(FaultPoint point) => FaultPoints?.Fire(point) == true;

    /// <summary>Hands over everything produced since the last call.</summary>
    public Effects TakeEffects()
    {
        var effects = _effects;
        _effects = new Effects();
        return effects;
    }

    private void StartParticipant()
    {
        switch (Config.Init)
        {
            case InitMode.ByConsensus c:
                _paxos = new Elector(Self, c.Quorum);
                break;
            case InitMode.AsObserver:
                _paxos = new Observer(Self, 1);
                break;
            case InitMode.BySeed s:
                _paxos = null;
                CreateRing(s.Seeds, announce: false);
                break;
        }
    }

    private void Send(PeerName to, PeerMessage message) => _effects.Messages.Add(new Outgoing(to, message));

    private void Complete(long requestId, Outcome outcome)
    {
        if (requestId >= 0)
            _effects.Completions.Add(new Completion(requestId, outcome));
    }

    private void Log(LogLevel level, string message) => _effects.Log.Add(new LogEvent(level, message));

    internal string NameOf(PeerName peer) =>
        _nicknames.TryGetValue(peer, out var nick) ? $"{peer}({nick})" : peer.ToString();

    /// <summary>Whether the peer is reachable right now, as the transport last said.</summary>
    public bool IsReachable(PeerName peer) => peer == Self || _reachable.Contains(peer);

    public IReadOnlyCollection<PeerName> ReachablePeers => _reachable;

    /// <summary>Every peer's nickname this peer has heard, removed peers' included.</summary>
    public IReadOnlyDictionary<PeerName, string> Nicknames => _nicknames;
}
