using WeaveOrleans.Driver;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Simulation;

/// <summary>
/// Several hosts, each running the daemon's <see cref="AllocatorDriver"/> over group commit on a
/// simulated disk, wired by an in-test message pump. Which in-flight message is delivered next (and,
/// with latent writes, which write syncs next) is drawn from a seeded random source, so a seed replays
/// a run exactly. Links can be cut and healed; the clock moves only when told to.
/// </summary>
public sealed class PeerNetwork
{
    private readonly Random _random;
    private readonly List<(PeerName From, PeerName To, byte[] Payload)> _inFlight = [];
    private readonly HashSet<(PeerName, PeerName)> _cut = [];
    private readonly SimLoop _loop = new();
    private readonly Dictionary<PeerName, SimPeer> _byName = [];
    private long _nextRequest = 1;
    private long _sequence;
    private int _depth;

    public PeerNetwork(int seed)
    {
        _random = new Random(seed);
        // Its own stream, so that a run without disk faults draws exactly what it drew before there was a disk.
        Disk = new SimulatedDisk(new Random(seed ^ 0x5D15C)) { Note = Note };
    }

    public List<SimPeer> Peers { get; } = [];

    /// <summary>Where every host persists, as bytes through the real codecs and group commit.</summary>
    public SimulatedDisk Disk { get; }

    /// <summary>Rare engine branches switched on by seed; none by default.</summary>
    public IFaultPoints? FaultPoints { get; set; }

    /// <summary>
    /// Every engine also finds each snapshot change by comparing its whole snapshot; a part its
    /// touched-parts tracking left out lands in <see cref="SnapshotMisses"/>. Off for scale runs,
    /// where it would cost the O(N) per change the tracking saves.
    /// </summary>
    public bool VerifySnapshotChanges { get; set; }

    public List<string> SnapshotMisses { get; } = [];

    private void CheckSnapshotChanges(Allocator engine, string nickname)
    {
        if (VerifySnapshotChanges)
            engine.ReportSnapshotMiss = miss => SnapshotMisses.Add($"{nickname} at {Now.TotalSeconds:0.0}s: {miss}");
    }

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

    /// <summary>Drivers started again after a failed commit (the grain's deactivate-and-reload).</summary>
    public int Reactivations { get; private set; }

    /// <summary>Continuations that ran off the simulator's thread: non-zero means a seed may not replay.</summary>
    public int ForeignPosts => _loop.ForeignPosts;

    public int InFlight => _inFlight.Count;

    public void Note(string text) => Trace.Add($"[{Now.TotalSeconds,7:0.0}s] {text}");

    public TimeSpan Now { get; private set; }

    public int Delivered { get; private set; }

    /// <summary>What was delivered, by kind, with its size on the wire.</summary>
    public MessageTally Messages { get; } = new();

    public static PeerName Name(int n) => new(((ulong)n << 40) | (2UL << 16));

    public SimPeer this[int n] => Peers.Single(p => p.Name == Name(n));

    public SimPeer Add(int n, AllocatorConfig config) => Add(Name(n), $"nick-{n:00}", config);

    public SimPeer Add(PeerName name, string nickname, AllocatorConfig config, bool linkToAll = true)
    {
        var peer = new SimPeer(name, nickname, config, Disk);
        var engine = new Allocator(config, name, nickname, new Random(_random.Next())) { FaultPoints = FaultPoints };
        CheckSnapshotChanges(engine, nickname);
        peer.Driver = new AllocatorDriver(engine, Store(peer), peer.HostKey, Outputs(peer));
        Peers.Add(peer);
        _byName[peer.Name] = peer;
        Flush(peer);
        if (linkToAll)
            foreach (var other in Peers.Where(p => p != peer && p.Up))
                Link(peer, other);
        return peer;
    }

    /// <summary>Connects two peers (a link that <see cref="Add"/> was told not to make).</summary>
    public void Connect(SimPeer a, SimPeer b) => Link(a, b);

    public bool Connected(SimPeer a, SimPeer b) => a.Up && b.Up && !_cut.Contains(Key(a.Name, b.Name));

    private static (PeerName, PeerName) Key(PeerName a, PeerName b) => a < b ? (a, b) : (b, a);

    private void Link(SimPeer a, SimPeer b)
    {
        if (!Connected(a, b))
            return;
        Run(() => a.Driver.PeerConnected(b.Name, Now));
        Run(() => b.Driver.PeerConnected(a.Name, Now));
    }

    private void Unlink(SimPeer a, SimPeer b)
    {
        Run(() => a.Driver.PeerDisconnected(b.Name));
        Run(() => b.Driver.PeerDisconnected(a.Name));
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

    /// <summary>Hands what the peer's engine produced to its driver: persisted, then put on the wire and answered.</summary>
    public void Flush(SimPeer peer) => Run(() => peer.Driver.Flush());

    /// <summary>
    /// Delivers one in-flight message, or with latent writes syncs one write, as the seed chooses.
    /// False when nothing is in flight.
    /// </summary>
    public bool Step()
    {
        if (Disk.Pending > 0 && (_inFlight.Count == 0 || _random.Next(2) == 0))
        {
            Run(() => Disk.SyncOne());
            return true;
        }
        if (_inFlight.Count == 0)
            return false;
        var i = _random.Next(_inFlight.Count);
        var (from, to, payload) = _inFlight[i];
        _inFlight.RemoveAt(i);
        if (LossProbability > 0 && _random.NextDouble() < LossProbability)
        {
            Lost++;
            return true;
        }
        if (DuplicateProbability > 0 && _random.NextDouble() < DuplicateProbability)
        {
            Duplicated++;
            _inFlight.Add((from, to, payload));
        }
        Deliver(from, to, payload);
        return true;
    }

    /// <summary>Hands the bytes to the target's driver, if it is up; it decodes them as the grain's does.</summary>
    private void Deliver(PeerName from, PeerName to, byte[] payload)
    {
        var target = _byName[to];
        if (!target.Up)
            return;
        Messages.Add(MessageTally.KindOf(MessageCodec.Decode(payload)), 1, payload.Length);
        Run(() =>
        {
            if (!target.Driver.Receive(from, payload, Now, out var error))
                throw new InvalidOperationException($"{target} could not decode a message from {from}: {error}");
        });
        Delivered++;
    }

    /// <summary>
    /// Delivers, in the order sent, every message in flight now; what they cause waits for the next
    /// wave. One wave is one hop of every message at once, which is how the scale scenario counts
    /// rounds. Returns how many were delivered.
    /// </summary>
    public int DeliverWave()
    {
        var wave = _inFlight.ToList();
        _inFlight.Clear();
        foreach (var (from, to, payload) in wave)
            Deliver(from, to, payload);
        return wave.Count;
    }

    /// <summary>Delivers (and syncs) until nothing is in flight (bounded, so a message storm fails loudly).</summary>
    public void Settle(int maxSteps = 100_000)
    {
        // A round of gossip in a big network is N² messages of honest work, not a storm.
        maxSteps = Math.Max(maxSteps, 10 * Peers.Count * Peers.Count);
        for (var n = 0; n < maxSteps; n++)
            if (!Step())
                return;
        var busiest = _inFlight.GroupBy(m => $"{m.From}->{m.To} {MessageCodec.KindOf(m.Payload)}")
            .OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Key} x{g.Count()}");
        throw new InvalidOperationException($"network did not settle within {maxSteps} deliveries; in flight: {string.Join("; ", busiest)}");
    }

    /// <summary>Moves the clock by <paramref name="by"/>, ticking every live peer once and letting each gossip, then settles.</summary>
    public void Tick(TimeSpan? by = null)
    {
        Now += by ?? TimeSpan.FromSeconds(5);
        foreach (var peer in Peers.Where(p => p.Up))
            Run(() => peer.Driver.Tick(Now));
        Settle();
        foreach (var peer in Peers.Where(p => p.Up))
            Run(() => peer.Driver.GossipPeriodically());
        Settle();
    }

    public long Allocate(SimPeer peer, string ident, string? subnet = null, bool isContainer = true) =>
        Request(peer, (a, id) => a.Allocate(id, ident, subnet is null ? null : Cidr.ParseSubnet(subnet), isContainer, Now));

    public long Claim(SimPeer peer, string ident, string address, bool isContainer = true, bool noErrorOnUnknown = false) =>
        Request(peer, (a, id) => a.Claim(id, ident, Cidr.Parse(address), isContainer, noErrorOnUnknown, Now));

    public long Prime(SimPeer peer) => Request(peer, (a, id) => a.Prime(id, Now));

    /// <summary>Starts a request through the driver; its answer lands in <see cref="SimPeer.Answers"/> under the returned id.</summary>
    public long Request(SimPeer peer, Action<Allocator, long> start)
    {
        var id = _nextRequest++;
        Run(() =>
        {
            var driver = peer.Driver;
            var (driverId, answer) = driver.Begin(driverId => start(peer.Allocator, driverId));
            _ = Record(peer, driver, id, driverId, answer);
        });
        return id;
    }

    /// <summary>
    /// Keeps the answer, and checks the promise behind it: the flush that released it (and every
    /// earlier one) is durable. Its own commit, if it had one, was issued right after its sequence number.
    /// </summary>
    private static async Task Record(SimPeer peer, AllocatorDriver driver, long id, long driverId, Task<Outcome> answer)
    {
        var outcome = await answer;
        peer.Answers[id] = outcome;
        if (outcome is Outcome.Ok && ReferenceEquals(driver, peer.Driver)
            && peer.FlushedAt.Remove(driverId, out var flushed) && peer.Commits.OldestUnsettled <= flushed + 1)
            peer.AnsweredBeforeDurable ??= $"{peer.Nickname} answered request {id} ({outcome}) before its commit was durable";
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the peer's engine through its driver. The result is the engine's,
    /// returned at once: with latent writes it may not be durable yet (see <see cref="Run(SimPeer, Action{Allocator, long})"/>).
    /// </summary>
    public T Do<T>(SimPeer peer, Func<Allocator, T> action)
    {
        T result = default!;
        Run(() => _ = peer.Driver.Run(a => result = action(a)));
        return result;
    }

    /// <summary>Runs a command answered by a completion (free, delete, rmpeer) as an operator waiting for the answer: the peer's writes are synced until it comes.</summary>
    public Outcome Run(SimPeer peer, Action<Allocator, long> command)
    {
        Task<Outcome> task = null!;
        Run(() => task = peer.Driver.Command(command));
        WaitFor(peer, task);
        return task.Result;
    }

    /// <summary>weave reset: the hand-over is persisted (waited for) and the state deleted; the heir, or None.</summary>
    public PeerName Shutdown(SimPeer peer)
    {
        Task<(Outcome Outcome, PeerName Heir)> task = null!;
        Run(() => task = peer.Driver.Shutdown(Now));
        WaitFor(peer, task);
        if (task.IsFaulted)
        {
            // The hand-over is durable and sent; only deleting the state failed, as the operator is told.
            Note($"{peer.Nickname}: reset could not delete its state: {task.Exception!.GetBaseException().Message}");
            return PeerName.None;
        }
        var (outcome, heir) = task.Result;
        if (outcome is Outcome.Failed failed)
            Note($"{peer.Nickname}: reset failed: {failed.Message}");
        return heir;
    }

    private void WaitFor(SimPeer peer, Task task)
    {
        var synced = true;
        while (!task.IsCompleted && synced)
            Run(() => synced = Disk.SyncOldest(peer.HostKey));
        if (!task.IsCompleted)
            throw new InvalidOperationException($"{peer}: an answer never came although nothing of it is in flight (pending {Disk.Pending}, foreign {ForeignPosts}, status {task.Status})");
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

    /// <summary>The peer stops; its in-flight messages are lost; what it persisted stays, and its write in flight meets its fate.</summary>
    public void Crash(SimPeer peer)
    {
        foreach (var other in Peers.Where(p => p != peer && Connected(peer, p)))
            Unlink(peer, other);
        peer.Up = false;
        Die(peer);
    }

    /// <summary>Moves the clock without ticking anyone.</summary>
    public void AdvanceClock(TimeSpan by) => Now += by;

    /// <summary>Delivers, loss-free, every message <paramref name="from"/> has in flight (a sender that waits for acknowledgement).</summary>
    public void DeliverAllFrom(SimPeer from)
    {
        while (_inFlight.FindIndex(m => m.From == from.Name) is var i and >= 0)
        {
            var (_, to, payload) = _inFlight[i];
            _inFlight.RemoveAt(i);
            Deliver(from.Name, to, payload);
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
        if (peer.Up)
            Die(peer);
        Start(peer, config ?? peer.Config);
        peer.Up = true;
        Flush(peer);
        foreach (var other in Peers.Where(p => p != peer && p.Up))
            Link(peer, other);
    }

    /// <summary>The process is gone: what its disk had in flight meets its fate, and what was not yet durable is noted.</summary>
    private void Die(SimPeer peer)
    {
        peer.UnsettledAtCrash = peer.Commits.Unsettled;
        Disk.Crash(peer.HostKey);
    }

    /// <summary>
    /// What the grain does after a failed commit: deactivate, and at the next call activate again from
    /// what is durable. The transport is the silo's, so links stay up and nobody hears of it.
    /// </summary>
    private void Reactivate(SimPeer peer)
    {
        peer.NeedsReactivation = false;
        Reactivations++;
        Note($"{peer.Nickname}: a commit failed; the driver starts again from what is durable");
        Disk.Repair(peer.HostKey);
        Start(peer, peer.Config);
        foreach (var other in Peers.Where(p => p != peer && Connected(peer, p)))
            peer.Allocator.PeerConnected(other.Name, Now);
        Flush(peer);
    }

    /// <summary>A new incarnation: a fresh group commit over the peer's disk, and the driver loaded from it.</summary>
    private void Start(SimPeer peer, AllocatorConfig config)
    {
        var random = new Random(_random.Next());
        var store = Store(peer);
        peer.FlushedAt.Clear();
        Task<AllocatorDriver> started = null!;
        Run(() => started = AllocatorDriver.StartAsync(
            store, peer.HostKey,
            stored => Allocator.Restore(config, peer.Name, peer.Nickname, random, stored.Snapshot, stored.Rows),
            Outputs(peer), CancellationToken.None));
        peer.Driver = started.Result;
        peer.Allocator.FaultPoints = FaultPoints;
        CheckSnapshotChanges(peer.Allocator, peer.Nickname);
    }

    private IAllocatorStore Store(SimPeer peer)
    {
        peer.Commits = new CommitTracker(new GroupCommitStore(Disk.For(peer.HostKey), _loop.Schedule), () => ++_sequence);
        return peer.Commits;
    }

    /// <summary>Wires a driver to the network. (A replaced incarnation sends nothing: its write in flight never completes.)</summary>
    private DriverOutputs Outputs(SimPeer peer)
    {
        return new DriverOutputs(
            Send: (to, payload, _) =>
            {
                var target = _byName.GetValueOrDefault(to);
                if (target is not null && Connected(peer, target))
                    _inFlight.Add((peer.Name, to, payload));
            },
            StorageFailed: _ => peer.NeedsReactivation = peer.Up,
            Flushing: effects =>
            {
                // Drawn at every flush, so the next number drawn is this flush's own commit, if it has one.
                var flushed = ++_sequence;
                foreach (var completion in effects.Completions)
                    peer.FlushedAt[completion.RequestId] = flushed;
                foreach (var log in effects.Log.Where(l => l.Level >= TraceLevel))
                    Note($"  {peer.Nickname} says: {log.Message}");
                peer.Log.AddRange(effects.Log);
            });
    }

    /// <summary>Runs on the loop (nested calls join the outer run); afterwards restarts any driver whose commit failed.</summary>
    private void Run(Action action)
    {
        _depth++;
        try
        {
            _loop.Run(action);
        }
        finally
        {
            _depth--;
        }
        if (_depth == 0)
            foreach (var peer in Peers.Where(p => p.NeedsReactivation).ToList())
                Reactivate(peer);
    }

    private void Run(Func<Task> action) => Run(() => { _ = action(); });
}
