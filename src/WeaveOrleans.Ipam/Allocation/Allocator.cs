using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation.Holdings;
using WeaveOrleans.Ipam.Ownership;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// One peer's IPAM as a deterministic state machine. Every input is a method call carrying the
/// current time; every output collects in <see cref="Effects"/> (answers, messages, what to persist).
/// No threads, clock, I/O or ambient randomness: the same inputs and seed give the same run. The
/// state lives in parts that own it (the ident table, the ring and free list, the peer book, the
/// removals, the quarantine, the ring bootstrap, the gossip ledger, the pending requests); this class
/// orchestrates them, one operation per file (Allocator.*.cs).
/// </summary>
public sealed partial class Allocator
{
    private readonly Random _random;
    private readonly IdentTable _idents = new();
    private readonly DeadContainers _dead = new();
    private readonly PeerBook _peers;
    private readonly Removals _removals;
    private readonly QuarantineList _quarantine = new();
    private readonly GossipLedger _ledger;
    private readonly PendingRequests _pending = new();
    private RingBootstrap _bootstrap = RingBootstrap.Finished();
    private bool _shuttingDown;

    /// <summary>Gossip has arrived since this process started, so this peer's view is not just its own old state.</summary>
    private bool _heardFromPeers;
    private Effects _effects = new();

    /// <summary>
    /// What of the snapshot the driver has been given. Nothing at start, however the engine was built
    /// (new, restored, or restored from nothing or from data it discarded): the whole snapshot goes out
    /// with the first effects, ahead of any row, since a start discards rows that no snapshot names the
    /// peer and range of. After that, only the parts that differ. The engine alone decides this;
    /// drivers persist what the effects carry.
    /// </summary>
    private readonly DurableSnapshot _durable = new();

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
        _ledger = new GossipLedger((ulong)random.NextInt64());
        Ownership = new RingSpace(config.Range.Range, self);
        _peers = new PeerBook(self, nickname);
        _removals = new Removals(self);
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
    public bool RemovedFromNetwork => _removals.SelfRemoved;

    public int RejectedMerges { get; private set; }

    /// <summary>Rare branches forced by the simulator; null in production.</summary>
    public IFaultPoints? FaultPoints { get; set; }

    private bool Fire(FaultPoint point) => FaultPoints?.Fire(point) == true;

    /// <summary>
    /// Hands over everything produced since the last call, with the changed rows and the parts of the
    /// snapshot that changed: the one place where what to persist is decided.
    /// </summary>
    public Effects TakeEffects()
    {
        var effects = _effects;
        _effects = new Effects();
        effects.Rows = _idents.TakeChangedRows();
        var touched = TakeTouched();
        if ((touched is not null || _durable.NothingHandedOut || _durable.ReportMiss is not null)
            && _durable.Change(touched ?? new TouchedParts(), new LiveParts(this), Snapshot) is { IsEmpty: false } change)
            effects.Snapshot = change;
        return effects;
    }

    private void StartParticipant()
    {
        _bootstrap = new RingBootstrap(Self, Config.Init);
        if (Config.Init is InitMode.BySeed s)
            CreateRing(s.Seeds, announce: false);
    }

    private void Send(PeerName to, PeerMessage message) => _effects.Add(new Outgoing(to, message));

    private void Complete(long requestId, Outcome outcome)
    {
        if (requestId >= 0)
            _effects.Add(new Completion(requestId, outcome));
    }

    private void Log(LogLevel level, string message) => _effects.Add(new LogEvent(level, message));

    internal string NameOf(PeerName peer) => _peers.NameOf(peer);

    /// <summary>Whether the peer is reachable right now, as the transport last said.</summary>
    public bool IsReachable(PeerName peer) => _peers.IsReachable(peer);

    public IReadOnlyCollection<PeerName> ReachablePeers => _peers.Reachable;

    /// <summary>Every peer's nickname this peer has heard, removed peers' included.</summary>
    public IReadOnlyDictionary<PeerName, string> Nicknames => _peers.Nicknames;
}
