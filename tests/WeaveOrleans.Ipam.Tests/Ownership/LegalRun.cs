using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Ownership;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Ownership;

/// <summary>One step of a generated run; the numbers pick peers and addresses modulo what exists.</summary>
public readonly record struct Step(int Kind, int A, int B, int C)
{
    public override string ToString() => $"({Kind},{A},{B},{C})";
}

/// <summary>
/// A handful of peers driven through a list of legal operations: allocate, free, donate, gossip
/// (whole rings and deltas), free reports, and rmpeer of a peer that has died for good. It checks
/// after every step that no peer's ring and free list disagree, that no merge between honest peers
/// is refused, and that no address is allocated on two peers.
/// </summary>
internal sealed class LegalRun
{
    public static readonly AddressRange Universe = C("10.0.0.0/24");
    public const int PeerCount = 4;

    public readonly RingSpace[] Peers;
    private readonly bool[] _dead = new bool[PeerCount];
    private int _remover = -1;
    private readonly ulong[,] _sentStamp = new ulong[PeerCount, PeerCount];
    private readonly bool[,] _hasWhole = new bool[PeerCount, PeerCount];

    public LegalRun()
    {
        Peers = [.. Enumerable.Range(0, PeerCount).Select(i => new RingSpace(Universe, P(i + 1)))];
        // Three seeded peers build the same ring independently; the fourth joins through gossip.
        for (var i = 0; i < 3; i++)
            Peers[i].CreateRing([P(1), P(2), P(3)]);
    }

    public IEnumerable<RingSpace> Live => Peers.Where((_, i) => !_dead[i]);

    public void Run(IEnumerable<Step> steps)
    {
        foreach (var step in steps)
        {
            Apply(step);
            Check(step);
        }
    }

    private void Apply(Step s)
    {
        var a = Math.Abs(s.A) % PeerCount;
        var b = Math.Abs(s.B) % PeerCount;
        if (_dead[a] || _dead[b])
            return;
        var pa = Peers[a];
        switch (Math.Abs(s.Kind) % 7)
        {
            case 0:
                pa.Space.TryAllocate(Universe, out _);
                break;
            case 1:
                var held = pa.Space.AllocatedRanges().SelectMany(Addresses).ToList();
                if (held.Count > 0)
                    pa.Space.Free(held[Math.Abs(s.C) % held.Count]);
                break;
            case 2:
                if (a != b)
                    pa.TryDonate(Universe, Peers[b].Local, out _);
                break;
            case 3:
            case 4:
                if (a != b)
                    Gossip(a, b, delta: s.Kind % 7 == 4);
                break;
            case 5:
                pa.ReportFree();
                break;
            case 6:
                // rmpeer of peer 4 once it is dead for good: the remover first hears everything it said.
                const int victim = PeerCount - 1;
                if (a != victim && !_dead[victim] && (s.C & 7) == 0)
                {
                    Gossip(victim, a, delta: false);
                    _dead[victim] = true;
                    _remover = a;
                    pa.TakeOver(Peers[victim].Local);
                }
                break;
        }
    }

    public void Gossip(int from, int to, bool delta)
    {
        var sender = Peers[from].Ring;
        var data = delta && _hasWhole[from, to] ? sender.DeltaSince(_sentStamp[from, to]) : sender.ToData();
        var result = Peers[to].Merge(data);
        if (result.Error is { } error)
            throw new InvalidOperationException($"honest merge {from}->{to} refused: {error}");
        _sentStamp[from, to] = sender.ChangeStamp;
        _hasWhole[from, to] = true;
    }

    /// <summary>Every live peer hears every other, twice over, so that anything said anywhere reaches everyone.</summary>
    /// <remarks>
    /// A grant to the removed peer that was still travelling when rmpeer ran reaches the remover later;
    /// like the allocator, the remover then takes that over too.
    /// </remarks>
    public void SyncAll()
    {
        for (var round = 0; round < 3; round++)
        {
            for (var from = 0; from < PeerCount; from++)
                for (var to = 0; to < PeerCount; to++)
                    if (from != to && !_dead[from] && !_dead[to])
                        Gossip(from, to, delta: true);
            if (_remover >= 0)
                Peers[_remover].TakeOver(Peers[PeerCount - 1].Local);
        }
    }

    private void Check(Step step)
    {
        var owners = new Dictionary<Address, PeerName>();
        foreach (var peer in Live)
        {
            if (peer.Disagreement() is { } problem)
                throw new InvalidOperationException($"after {step} peer {peer.Local}: {problem}");
            foreach (var address in peer.Space.AllocatedRanges().SelectMany(Addresses))
                if (!owners.TryAdd(address, peer.Local))
                    throw new InvalidOperationException($"after {step} {address} is allocated on {owners[address]} and {peer.Local}");
        }
    }

    private static IEnumerable<Address> Addresses(AddressRange r)
    {
        for (var a = r.Start; a < r.End; a += 1)
            yield return a;
    }
}
