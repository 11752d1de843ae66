using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Ipam.Snapshots;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>
/// The engine hands out only the snapshot parts its state's owners say they touched. Here every
/// host keeps a disk of those changes, and after every hand-out the snapshot that disk would load must
/// be exactly the engine's: a part left out (a free count clamped by a merge, a predecessor shortened
/// by a new token, a takeover) would come back stale after a restart, as an address held twice.
/// Messages travel through the wire format, one wave at a time, so each test decides what arrives.
/// </summary>
public class TouchedPartsTests
{
    private const string Range = "10.0.4.0/22";
    private static readonly TimeSpan Now = TimeSpan.FromSeconds(100);

    private sealed class Host(int n, AllocatorConfig config)
    {
        private readonly Dictionary<string, byte[]> _disk = new(StringComparer.Ordinal);

        public PeerName Name { get; } = PeerNetwork.Name(n);

        public Allocator Engine { get; } = new(config, PeerNetwork.Name(n), $"nick-{n}", new Random(n));

        public List<(PeerName To, PeerMessage Message)> Outbox { get; } = [];

        /// <summary>Takes the engine's effects: messages to the outbox, the snapshot change to the disk, which must then hold the engine.</summary>
        public void Collect()
        {
            var effects = Engine.TakeEffects();
            Outbox.AddRange(effects.Messages.Select(m => (m.To, m.Message)));
            if (effects.Snapshot is { } change)
            {
                if (change.Whole)
                    _disk.Clear();
                foreach (var (key, record) in SnapshotPartCodec.EncodeChange(change))
                    if (record is null)
                        _disk.Remove(key);
                    else
                        _disk[key] = record;
            }
            var loaded = SnapshotPartCodec.DecodeSnapshot(_disk);
            Assert.NotNull(loaded);
            Assert.Equal(Describe(Engine.Snapshot()), Describe(loaded));
        }

        private static string Describe(AllocatorSnapshot s) =>
            $"{s.Ring?.ToString()} paxos={s.Paxos} nicknames={string.Join(",", s.Nicknames.OrderBy(n => n.Key))} " +
            $"removed={string.Join(",", s.Removed.OrderBy(n => n.Key))} self-removed={s.RemovedFromNetwork} " +
            $"codec={Convert.ToHexString(SnapshotCodec.Encode(s))}";
    }

    private sealed class Network(params Host[] hosts)
    {
        public Host[] Hosts { get; } = hosts;

        public void ConnectAll()
        {
            foreach (var a in Hosts)
                foreach (var b in Hosts.Where(b => b != a))
                    a.Engine.PeerConnected(b.Name, Now);
            foreach (var h in Hosts)
                h.Collect();
        }

        /// <summary>Delivers wave after wave until nothing is in flight; messages for <paramref name="deaf"/> are lost.</summary>
        public void Settle(Host? deaf = null)
        {
            for (var wave = 0; wave < 50; wave++)
            {
                var inFlight = Hosts.SelectMany(h => h.Outbox.Select(m => (From: h, m.To, m.Message))).ToList();
                foreach (var h in Hosts)
                    h.Outbox.Clear();
                if (inFlight.Count == 0)
                    return;
                foreach (var (from, to, message) in inFlight)
                {
                    if (deaf is not null && to == deaf.Name)
                        continue;
                    var host = Hosts.Single(h => h.Name == to);
                    host.Engine.Receive(from.Name, MessageCodec.Decode(MessageCodec.Encode(message)), Now);
                    host.Collect();
                }
            }
            throw new InvalidOperationException("the network did not settle");
        }

        public void GossipRound(Host? deaf = null)
        {
            foreach (var h in Hosts)
            {
                h.Engine.GossipPeriodically();
                h.Collect();
            }
            Settle(deaf);
        }
    }

    private static Network Seeded(int peers)
    {
        var seeds = Enumerable.Range(0, peers).ToArray();
        var net = new Network([.. seeds.Select(n => new Host(n, Configs.Seed(Range, seeds)))]);
        net.ConnectAll();
        net.Settle();
        net.GossipRound();
        return net;
    }

    /// <summary>A /28 inside a range <paramref name="owner"/> owns, not yet asked for.</summary>
    private static Cidr SubnetOwnedBy(Host asker, Host owner, int skip = 0)
    {
        var owned = asker.Engine.Ring.OwnedRangesOf(owner.Name).First(r => r.Size >= 64);
        return new Cidr(new Address((owned.Start.Value + 15) / 16 * 16 + (UInt128)(16 * skip)), 28);
    }

    private static void Allocate(Host host, string ident, Cidr subnet)
    {
        host.Engine.Allocate(1, ident, subnet, isContainer: true, Now);
        host.Collect();
    }

    [Fact]
    public void A_donation_puts_a_new_token_in_the_ring_and_the_entry_before_it_shrinks_on_every_disk()
    {
        var net = Seeded(3);
        var (a, b) = (net.Hosts[0], net.Hosts[1]);
        var before = a.Engine.Ring.Count;

        Allocate(a, "c1", SubnetOwnedBy(a, b));
        net.Settle();

        Assert.True(a.Engine.Ring.Count > before);
        Assert.Single(a.Engine.Owned);
    }

    [Fact]
    public void A_change_received_without_the_earlier_one_that_split_the_range_reaches_the_disk_whole()
    {
        var net = Seeded(3);
        var (a, b, c) = (net.Hosts[0], net.Hosts[1], net.Hosts[2]);

        // The first donation splits b's range; c hears nothing of it.
        Allocate(a, "c1", SubnetOwnedBy(a, b));
        net.Settle(deaf: c);
        // The second builds on it: c gets a delta over a point it lacks, asks, and is answered.
        Allocate(a, "c2", SubnetOwnedBy(a, b, skip: 2));
        net.Settle();
        net.GossipRound();

        Assert.Equal(a.Engine.Ring.Entries, c.Engine.Ring.Entries);
    }

    [Fact]
    public void A_merge_that_clamps_another_peers_free_count_writes_the_clamped_entry()
    {
        var net = Seeded(2);
        var (a, b) = (net.Hosts[0], net.Hosts[1]);
        // b's change, as the delta it gossips; what it carries is replaced by a token splitting b's
        // entry (as from a donation whose other half is still on its way), so a must shorten that
        // entry's free count itself, without a new version of it.
        Allocate(b, "c1", SubnetOwnedBy(b, b));
        b.Engine.Tick(Now);
        b.Engine.GossipPeriodically();
        b.Collect();
        var delta = b.Outbox.Select(m => m.Message).OfType<Gossip>().First(g => g.Ring is { IsDelta: true, IsEmpty: false });
        b.Outbox.Clear();
        var ring = a.Engine.Ring;
        var split = Enumerable.Range(0, ring.Count).Select(i => (Entry: ring[i], Next: ring[(i + 1) % ring.Count]))
            .First(p => p.Entry.Peer == b.Name && p.Entry.Free > 2);
        var half = ring.Distance(split.Entry.Token, split.Next.Token) / 2;
        var middle = split.Entry.Token.Value + half < ring.End.Value
            ? new Address(split.Entry.Token.Value + half)
            : new Address(ring.Start.Value + (split.Entry.Token.Value + half - ring.End.Value));
        var forged = delta with { Ring = delta.Ring! with { Entries = [new RingEntry(middle, b.Name, 1, 0)] } };

        a.Engine.Receive(b.Name, MessageCodec.Decode(MessageCodec.Encode(forged)), Now);
        a.Collect();

        var clamped = a.Engine.Ring.Entries.Single(e => e.Token == split.Entry.Token);
        Assert.Equal(split.Entry.Version, clamped.Version);
        Assert.True(clamped.Free < split.Entry.Free);
    }

    [Fact]
    public void An_rmpeer_takeover_writes_every_entry_taken_on_the_remover_and_on_the_others()
    {
        var net = Seeded(3);
        var (a, b, c) = (net.Hosts[0], net.Hosts[1], net.Hosts[2]);
        foreach (var h in new[] { a, c })
        {
            h.Engine.PeerDisconnected(b.Name);
            h.Collect();
        }
        var others = new Network(a, c);

        a.Engine.RemovePeer(1, b.Engine.Nickname, Now);
        a.Collect();
        others.Settle();
        others.GossipRound();

        Assert.DoesNotContain(a.Engine.Ring.Entries, e => e.Peer == b.Name);
        Assert.Equal(a.Engine.Ring.Entries, c.Engine.Ring.Entries);
    }

    [Fact]
    public void Consensus_writes_each_elector_learnt_and_drops_them_all_once_the_ring_exists()
    {
        var net = new Network([.. Enumerable.Range(0, 4).Select(n => new Host(n, Configs.Consensus(Range, 3)))]);
        net.ConnectAll();
        net.Settle();
        Assert.All(net.Hosts, h => Assert.Equal(4, h.Engine.Snapshot().Paxos!.Count));

        net.Hosts[0].Engine.Prime(1, Now);
        net.Hosts[0].Collect();
        net.Settle();
        net.GossipRound();

        Assert.All(net.Hosts, h => Assert.Null(h.Engine.Snapshot().Paxos));
    }
}
