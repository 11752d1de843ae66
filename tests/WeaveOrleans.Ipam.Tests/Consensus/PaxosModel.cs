using WeaveOrleans.Ipam.Consensus;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests.Consensus;

/// <summary>
/// A seeded simulation of electors gossiping over a changing, lossy link graph, with crashes that
/// restore each node from what it persisted when it last sent. It checks safety as it goes and
/// records the first violation instead of throwing, so callers can report the seed.
/// </summary>
internal sealed class PaxosModel
{
    private readonly Random _rng;
    private readonly PeerName[] _names;
    private readonly Elector[] _nodes;
    private readonly PaxosState[] _persisted;
    private readonly bool[,] _linked;
    private readonly AcceptedValue?[] _firstObserved;
    private readonly PaxosState?[] _lastObservedState;
    private readonly bool _forgetOnRestart;

    // Ground truth: every acceptance a node ever published, by ballot, to spot a value chosen by a
    // quorum whether or not any node noticed.
    private readonly Dictionary<ProposalId, Dictionary<PeerName, AcceptedValue>> _published = [];
    private AcceptedValue? _chosen;
    private AcceptedValue? _anyObserved;

    /// <param name="forgetOnRestart">
    /// Restart with empty state under the same name, as Weave would have without its per-process id.
    /// Only to show that the model can catch the split decision that persistence prevents.
    /// </param>
    public PaxosModel(int seed, bool forgetOnRestart = false)
    {
        Seed = seed;
        _rng = new Random(seed);
        _forgetOnRestart = forgetOnRestart;
        var n = _rng.Next(3, 11);
        Quorum = WeaveOrleans.Ipam.Consensus.Quorum.For(n);
        _names = DistinctNames(n);
        _nodes = [.. _names.Select(name => new Elector(name, Quorum))];
        _persisted = [.. _names.Select(_ => PaxosState.Empty)];
        _firstObserved = new AcceptedValue?[n];
        _lastObservedState = new PaxosState?[n];
        _linked = new bool[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                SetLink(i, j, _rng.NextDouble() < 0.5);

        var proposers = _nodes.Where(_ => _rng.NextDouble() < 0.5).ToList();
        if (proposers.Count == 0)
            proposers.Add(_nodes[_rng.Next(n)]);
        foreach (var node in proposers)
            node.Propose();
    }

    public int Seed { get; }
    public int NodeCount => _nodes.Length;
    public int Quorum { get; }
    public int Restarts { get; private set; }
    public int RestartsAfterAnAcceptance { get; private set; }
    public bool ObservedDuringChaos { get; private set; }
    public string? Violation { get; private set; }
    public int Sends { get; private set; }
    public int HealedRounds { get; private set; }

    /// <summary>Random gossip, proposals, isolation, rewiring and restarts.</summary>
    public void RunChaos(int steps)
    {
        for (var step = 0; step < steps && Violation is null; step++)
        {
            var i = _rng.Next(NodeCount);
            var roll = _rng.NextDouble();
            if (roll < 0.01)
                _nodes[i].Propose();
            else if (roll < 0.02)
                Restart(i);
            else if (roll < 0.03)
                Isolate(i);
            else if (roll < 0.08)
                Rewire();
            else
                DeliverToRandomNeighbour(i);
        }
        ObservedDuringChaos = _anyObserved is not null;
    }

    /// <summary>
    /// Heals the network and gossips all-to-all until every node has observed consensus. A round in
    /// which nobody learns anything stands in for the driver's timeout: some node proposes again.
    /// </summary>
    public bool RunToConsensus(int maxRounds)
    {
        for (var i = 0; i < NodeCount; i++)
            for (var j = i + 1; j < NodeCount; j++)
                SetLink(i, j, true);

        for (var round = 0; round < maxRounds && Violation is null; round++)
        {
            HealedRounds++;
            var learned = false;
            foreach (var (from, to) in ShuffledPairs())
                learned |= Send(from, to);
            if (Violation is not null)
                return false;
            if (EveryoneAgrees())
                return true;
            if (!learned)
                _nodes[_rng.Next(NodeCount)].Propose();
        }
        return false;
    }

    private bool EveryoneAgrees() =>
        _firstObserved.All(v => v is not null)
        && _nodes.All(node => node.TryGetConsensus(out var v) && v.Equals(_anyObserved));

    public string Describe() =>
        $"seed {Seed}, {NodeCount} nodes, quorum {Quorum}, {Restarts} restarts:\n" +
        string.Join("\n", _nodes.Select((node, i) => $"  {_names[i]} first={_firstObserved[i]?.ToString() ?? "-"} knows {node.State}"));

    private void DeliverToRandomNeighbour(int i)
    {
        var neighbours = Enumerable.Range(0, NodeCount).Where(j => _linked[i, j]).ToList();
        if (neighbours.Count > 0)
            Send(i, neighbours[_rng.Next(neighbours.Count)]);
    }

    // The driver's discipline: persist, then act on what was persisted (observe, publish, send).
    private bool Send(int from, int to)
    {
        Sends++;
        var sender = _nodes[from];
        _persisted[from] = sender.State;
        Publish(from);
        Observe(from);
        var receiver = _nodes[to];
        if (!receiver.Update(sender.State))
            return false;
        receiver.Think();
        return true;
    }

    private void Publish(int i)
    {
        var own = _nodes[i].OwnClaims;
        if (!own.HasAccepted)
            return;
        if (!_published.TryGetValue(own.AcceptedId, out var acceptors))
            _published[own.AcceptedId] = acceptors = [];
        acceptors[_names[i]] = own.Accepted!;
        if (acceptors.Values.Distinct().Count() > 1)
            Fail($"two values published under ballot {own.AcceptedId}");
        else if (acceptors.Count >= Quorum)
        {
            if (_chosen is null)
                _chosen = own.Accepted;
            else if (!_chosen.Equals(own.Accepted))
                Fail($"two values chosen: {_chosen} and, under {own.AcceptedId}, {own.Accepted}");
        }
    }

    private void Observe(int i)
    {
        var node = _nodes[i];
        // Consensus is a pure function of state; skip the recount when nothing changed.
        if (ReferenceEquals(_lastObservedState[i], node.State))
            return;
        _lastObservedState[i] = node.State;
        if (!node.TryGetConsensus(out var value))
            return;
        _firstObserved[i] ??= value;
        _anyObserved ??= value;
        if (!value.Equals(_firstObserved[i]))
            Fail($"{_names[i]} first observed {_firstObserved[i]} and now {value}");
        else if (!value.Equals(_anyObserved))
            Fail($"{_names[i]} observed {value} but another node observed {_anyObserved}");
        else if (!value.Equals(_chosen))
            Fail($"{_names[i]} observed {value} but the published acceptances chose {_chosen?.ToString() ?? "nothing"}");
    }

    private void Restart(int i)
    {
        Restarts++;
        if (_persisted[i].ClaimsOf(_names[i]).HasAccepted)
            RestartsAfterAnAcceptance++;
        _nodes[i] = Elector.Restore(_names[i], Quorum, _forgetOnRestart ? PaxosState.Empty : _persisted[i]);
        _lastObservedState[i] = null;
    }

    private void Isolate(int i)
    {
        for (var j = 0; j < NodeCount; j++)
            SetLink(i, j, false);
    }

    private void Rewire()
    {
        var i = _rng.Next(NodeCount);
        var j = _rng.Next(NodeCount);
        SetLink(i, j, _rng.NextDouble() < 0.5);
    }

    private void SetLink(int i, int j, bool linked)
    {
        if (i == j)
            return;
        _linked[i, j] = linked;
        _linked[j, i] = linked;
    }

    private List<(int From, int To)> ShuffledPairs()
    {
        var pairs = new List<(int, int)>();
        for (var i = 0; i < NodeCount; i++)
            for (var j = 0; j < NodeCount; j++)
                if (i != j)
                    pairs.Add((i, j));
        var array = pairs.ToArray();
        _rng.Shuffle(array);
        return [.. array];
    }

    private PeerName[] DistinctNames(int n)
    {
        var names = new HashSet<PeerName>();
        while (names.Count < n)
            names.Add(new PeerName((ulong)_rng.NextInt64(1, (long)PeerName.MaxValue)));
        return [.. names];
    }

    private void Fail(string message) => Violation ??= message;
}
