using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Simulation;

/// <summary>
/// What gossip costs as the network grows (<c>--scale N</c>): N launch peers, fault-free, every
/// message through the wire format and every state change through the store, in three measured
/// phases. Messages move in waves (every message in flight is delivered, then what they caused), so a
/// wave is one hop and the waves a change needs are its rounds.
/// </summary>
public sealed class ScaleRun(int peers)
{
    /// <summary>Waves a phase may take before the run gives up on it (a storm, or a lost change).</summary>
    private const int MaxWaves = 400;

    /// <summary>Periodic gossip rounds a phase may add when its messages stopped short of every peer.</summary>
    private const int MaxRounds = 20;

    private readonly PeerNetwork _net = new(seed: 1);
    private readonly List<SimPeer> _peers = [];

    /// <summary>Where the time goes, on standard error (the one report line stays alone on standard output).</summary>
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public sealed record Report(
        int Peers, long ConsensusMessages, long ConsensusBytes, long ChangeMessages, long ChangeBytes,
        int ChangeRounds, long IdleRoundMessages, long IdleRoundBytes, int ChangePeriodicRounds)
    {
        // ChangePeriodicRounds (periodic gossip rounds the change needed on top of its own spreading)
        // is for the tests; the line keeps the fields.
        public override string ToString() =>
            $"scale peers={Peers} consensus_messages={ConsensusMessages} consensus_bytes={ConsensusBytes} " +
            $"change_messages={ChangeMessages} change_bytes={ChangeBytes} change_rounds={ChangeRounds} " +
            $"idle_round_messages={IdleRoundMessages} idle_round_bytes={IdleRoundBytes}";
    }

    public Report Run()
    {
        // A /12 gives even a thousand peers a thousand addresses each.
        var range = Cidr.ParseSubnet("10.32.0.0/12");
        var config = new AllocatorConfig(range, new InitMode.ByConsensus(Ipam.Consensus.Quorum.For(peers))) { DefaultSubnet = range };
        // Every host starts, then every pair connects (the transport's hellos, not consensus: they are
        // settled before anything is measured). Connecting before any hello is read keeps each hello
        // to the sender's own name, as when a whole cluster boots at once.
        for (var i = 1; i <= peers; i++)
            _peers.Add(_net.Add(new PeerName((ulong)i << 8), $"host{i}", config, linkToAll: false));
        for (var i = 0; i < _peers.Count; i++)
            for (var j = i + 1; j < _peers.Count; j++)
                _net.Connect(_peers[i], _peers[j]);
        Quiesce();

        var (consensusMessages, consensusBytes, _, _) = Measure(
            () => _net.Prime(_peers[0]),
            () => _peers.All(p => !p.Allocator.Ring.IsEmpty),
            "consensus");

        var donation = Donation();
        var (changeMessages, changeBytes, changeRounds, changePeriodic) = Measure(donation, HoldsTheDonation(), "ring change");

        var (idleMessages, idleBytes, _, _) = Measure(
            () => { foreach (var p in _peers) _net.Do(p, a => { a.GossipPeriodically(); return 0; }); },
            () => true,
            "idle round");

        Console.Error.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0}s done");
        return new Report(peers, consensusMessages, consensusBytes, changeMessages, changeBytes, changeRounds, idleMessages, idleBytes, changePeriodic);
    }

    /// <summary>
    /// One donation: a peer allocates in a small subnet that lies wholly in another peer's range, so
    /// that peer hands it space and the ring changes once.
    /// </summary>
    private Action Donation()
    {
        var asker = _peers[peers / 2];
        var ring = asker.Allocator.Ring;
        var donor = _peers.First(p => p != asker && ring.OwnedRangesOf(p.Name).Any(r => r.Size >= 64));
        var owned = ring.OwnedRangesOf(donor.Name).First(r => r.Size >= 64);
        // A /28 aligned inside the donor's range.
        var subnet = new Cidr(new Address((owned.Start.Value + 15) / 16 * 16), 28);
        _donor = donor;
        _before = [.. donor.Allocator.Ring.Entries];
        return () => _net.Allocate(asker, "scale-1", subnet.ToString());
    }

    private SimPeer? _donor;

    /// <summary>The donor's ring before the donation: until it has changed, equal rings prove nothing.</summary>
    private IReadOnlyList<RingEntry> _before = [];

    /// <summary>Every peer holds the donor's ring as it is after the donation.</summary>
    private Func<bool> HoldsTheDonation() => () =>
    {
        var expected = _donor!.Allocator.Ring.Entries.ToArray();
        return !expected.SequenceEqual(_before) && _peers.All(p => p.Allocator.Ring.Entries.SequenceEqual(expected));
    };

    /// <summary>
    /// Starts a phase and delivers wave after wave until nothing is in flight, adding periodic gossip
    /// rounds while <paramref name="done"/> is still false. Counts every message the phase caused.
    /// </summary>
    /// <returns>Also how many periodic rounds had to be added before <paramref name="done"/> held.</returns>
    private (long Messages, long Bytes, int Rounds, int PeriodicRounds) Measure(Action start, Func<bool> done, string phase)
    {
        Console.Error.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0}s {phase}");
        var (messages, bytes) = Totals();
        start();
        var rounds = 0;
        int? reached = null;
        var periodic = 0;
        for (; ; periodic++)
        {
            for (var wave = 0; _net.InFlight > 0; wave++)
            {
                if (wave > MaxWaves)
                    throw new InvalidOperationException($"{phase}: still {_net.InFlight} messages in flight after {MaxWaves} waves");
                _net.DeliverWave();
                rounds++;
                if (reached is null && done())
                    reached = rounds;
            }
            if (reached is null && done())
                reached = rounds;
            if (reached is not null)
                break;
            if (periodic == MaxRounds)
                throw new InvalidOperationException($"{phase}: not done after {MaxRounds} periodic gossip rounds");
            foreach (var p in _peers)
                _net.Do(p, a => { a.GossipPeriodically(); return 0; });
            if (_net.InFlight == 0)
                throw new InvalidOperationException($"{phase}: not done, and periodic gossip sends nothing");
        }
        var (m, b) = Totals();
        return (m - messages, b - bytes, reached.Value, periodic);
    }

    private void Quiesce()
    {
        while (_net.InFlight > 0)
            _net.DeliverWave();
    }

    private (long Messages, long Bytes) Totals() =>
        (_net.Delivered, _net.Messages.ByKind.Values.Sum(v => v.Bytes));
}
