using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Simulation;

/// <summary>
/// One seeded run: the daemon's driver and engine on every host, a simulated network, clock and disk
/// (bytes through the real codecs and group commit), a random workload and random network, crash and
/// storage faults, with the safety checks after every step and the convergence checks at the end. The
/// seed decides everything, so a failing seed replays exactly.
/// </summary>
public sealed partial class SimulationRun
{
    private readonly int _seed;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly PeerNetwork _net;
    private readonly Dictionary<string, int> _faults = [];
    private readonly HashSet<SimPeer> _gone = [];          // reset, or lost its state: never back under that name
    private readonly HashSet<SimPeer> _removed = [];       // taken over with rmpeer
    private readonly HashSet<SimPeer> _removedThenBack = [];
    private readonly Dictionary<SimPeer, HashSet<string>> _running = [];
    private readonly SeededFaultPoints? _faultPoints;
    private AllocatorConfig _electorConfig = null!;
    private int _nextPeer;
    private int _nextContainer;
    private string? _rmpeerConflict;

    public SimulationRun(int seed, SimulationOptions options)
    {
        _seed = seed;
        _options = options;
        _random = new Random(seed);
        _net = new PeerNetwork(_random.Next()) { TraceLevel = options.TraceLevel, VerifySnapshotChanges = true };
        if (_random.Next(4) == 0)
        {
            _faultPoints = new SeededFaultPoints(new Random(_random.Next()), 0.05);
            _net.FaultPoints = _faultPoints;
        }
        // Half the seeds write through a disk whose writes take a while (so a crash can catch one) and
        // half of those, plus a quarter of the rest, through one that sometimes fails a write.
        var disk = _random.Next(4);
        if (disk > 0)
            _net.Disk.Faults = new DiskFaults
            {
                Latent = disk < 3,
                FailWrite = disk > 1 ? 0.002 + _random.NextDouble() * 0.01 : 0,
                TearAtCrash = 0.4,
                LandAtCrash = 0.3,
            };
    }

    private Cidr Universe => _electorConfig.Range;

    private IEnumerable<SimPeer> Up => _net.Peers.Where(p => p.Up);

    /// <summary>Peers whose addresses count as in use: up, not leaving, not told to reset.</summary>
    private IEnumerable<SimPeer> Serving => Up.Where(p => !p.Allocator.IsShuttingDown && !p.Allocator.RemovedFromNetwork);

    public RunResult Run()
    {
        var steps = 0;
        try
        {
            Setup();
            for (; steps < _options.Steps; steps++)
            {
                Act();
                CheckNoAddressHeldTwice();
                CheckOneLineage();
                CheckAnswersWereDurable();
                CheckSnapshotChangesTracked();
            }
            Converge();
            CheckAnswersWereDurable();
            CheckSnapshotChangesTracked();
            if (_net.ForeignPosts > 0)
                throw new Violation("not deterministic", $"{_net.ForeignPosts} continuations ran off the simulator's thread");
        }
        catch (Violation violation)
        {
            return Result(steps, violation);
        }
        catch (Exception crash)
        {
            return Result(steps, new Violation("engine crashed", $"{crash}\n{DescribeRings()}"));
        }
        return Result(steps, null);
    }

    private RunResult Result(int steps, Violation? violation)
    {
        var faults = new Dictionary<string, int>(_faults)
        {
            ["message lost"] = _net.Lost,
            ["message duplicated"] = _net.Duplicated,
        };
        foreach (var (fault, count) in _net.Disk.Injected)
            faults[fault] = count;
        if (_net.Reactivations > 0)
            faults["storage failure restarted the driver"] = _net.Reactivations;
        if (_faultPoints is not null)
            foreach (var (point, count) in _faultPoints.Fired)
                faults[$"fault point {point}"] = count;
        return new RunResult(_seed, _net.Peers.Count, steps, _net.Delivered, faults, violation, _net.Messages, _net.Trace, RingSizes());
    }

    private List<int> RingSizes() =>
        [.. _net.Peers.Where(p => p.Up && p.Driver is not null).Select(p => p.Allocator.Ring.Count)];

    private void Count(string fault) => _faults[fault] = _faults.GetValueOrDefault(fault) + 1;

    private void Setup()
    {
        var peers = _random.Next(_options.MinPeers, _options.MaxPeers + 1);
        var prefix = _random.Next(20, 25);
        var range = Cidr.ParseSubnet($"10.{_random.Next(0, 200)}.0.0/{prefix}");
        // A peer count that over-estimates the real one is harmless; under-estimating is not tested here.
        var initPeerCount = peers + _random.Next(0, 2);
        _electorConfig = new AllocatorConfig(range, new InitMode.ByConsensus(Ipam.Consensus.Quorum.For(initPeerCount)))
        {
            DefaultSubnet = range,
        };
        _net.LossProbability = _random.Next(3) == 0 ? _random.NextDouble() * 0.2 : 0;
        _net.DuplicateProbability = _random.Next(3) == 0 ? _random.NextDouble() * 0.1 : 0;
        _net.Note($"seed {_seed}: {peers} peers, range {range}, quorum {Ipam.Consensus.Quorum.For(initPeerCount)}, loss {_net.LossProbability:0.00}, duplication {_net.DuplicateProbability:0.00}, latent writes {_net.Disk.Faults.Latent}, write failure {_net.Disk.Faults.FailWrite:0.000}");
        var lateJoiners = _random.Next(0, 2);
        for (var i = 0; i < peers - lateJoiners; i++)
            AddPeer(observer: i > 0 && _random.Next(6) == 0);
    }

    private SimPeer AddPeer(bool observer)
    {
        var n = ++_nextPeer;
        var config = observer ? _electorConfig with { Init = new InitMode.AsObserver() } : _electorConfig;
        var peer = _net.Add(new PeerName((ulong)n << 8), $"host{n}", config);
        _running[peer] = [];
        _net.Note($"add {peer}{(observer ? " (observer)" : "")}");
        return peer;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private SimPeer? PickServing()
    {
        var serving = Serving.ToList();
        return serving.Count == 0 ? null : Pick(serving);
    }
}
