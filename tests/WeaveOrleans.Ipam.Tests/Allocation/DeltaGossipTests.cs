using System.Collections.Immutable;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

/// <summary>
/// Gossip sends a peer only what changed since the point of the ring it acknowledged, and a delta is
/// merged only over a point the receiver holds. Messages here travel through the wire format, one hop
/// at a time, so each test decides exactly what arrives.
/// </summary>
public class DeltaGossipTests
{
    private const string Range = "10.0.4.0/22";
    private static readonly TimeSpan Now = TimeSpan.FromSeconds(100);

    private sealed class Host(int n, AllocatorConfig config)
    {
        public PeerName Name { get; } = PeerNetwork.Name(n);

        public Allocator Engine { get; set; } = new(config, PeerNetwork.Name(n), $"nick-{n}", new Random(n));

        public AllocatorConfig Config { get; } = config;

        /// <summary>Messages produced so far and not yet delivered, per receiver.</summary>
        public List<(PeerName To, PeerMessage Message)> Outbox { get; } = [];

        public void Collect() => Outbox.AddRange(Engine.TakeEffects().Messages.Select(m => (m.To, m.Message)));

        /// <summary>Runs a command answered at once; its messages join the outbox.</summary>
        public Outcome Run(Action<Allocator, long> command)
        {
            command(Engine, 1);
            var effects = Engine.TakeEffects();
            Outbox.AddRange(effects.Messages.Select(m => (m.To, m.Message)));
            return effects.Completions.Single(c => c.RequestId == 1).Outcome;
        }

        /// <summary>Takes the gossip waiting for <paramref name="to"/>, through the wire format.</summary>
        public List<Gossip> TakeGossipFor(Host to)
        {
            Collect();
            var taken = Outbox.Where(m => m.To == to.Name).ToList();
            Outbox.RemoveAll(m => m.To == to.Name);
            return [.. taken.Select(m => MessageCodec.Decode(MessageCodec.Encode(m.Message))).OfType<Gossip>()];
        }
    }

    private static void Deliver(Host from, Host to, IEnumerable<Gossip> gossip)
    {
        foreach (var g in gossip)
            to.Engine.Receive(from.Name, g, Now);
        to.Collect();
    }

    /// <summary>Delivers everything both ways until neither has anything to say.</summary>
    private static void Settle(Host a, Host b)
    {
        for (var round = 0; round < 20; round++)
        {
            var ab = a.TakeGossipFor(b);
            var ba = b.TakeGossipFor(a);
            if (ab.Count == 0 && ba.Count == 0)
                return;
            Deliver(a, b, ab);
            Deliver(b, a, ba);
        }
        throw new InvalidOperationException("the two peers did not stop talking");
    }

    private static (Host A, Host B) Connected(params int[] seeds)
    {
        var a = new Host(0, Configs.Seed(Range, seeds));
        var b = new Host(1, Configs.Seed(Range, seeds));
        a.Engine.PeerConnected(b.Name, Now);
        b.Engine.PeerConnected(a.Name, Now);
        Settle(a, b);
        // Periodic rounds: each tells the other what it holds, so the next gossip builds on it.
        for (var round = 0; round < 2; round++)
        {
            a.Engine.GossipPeriodically();
            b.Engine.GossipPeriodically();
            Settle(a, b);
        }
        return (a, b);
    }

    private static Gossip Single(List<Gossip> gossip) => Assert.Single(gossip);

    private static void SameRings(Host a, Host b) =>
        Assert.Equal(a.Engine.Ring.Entries, b.Engine.Ring.Entries);

    [Fact]
    public void A_peer_gets_the_whole_ring_until_it_acknowledges_a_point_of_it()
    {
        var a = new Host(0, Configs.Seed(Range, 0, 1));
        var b = new Host(1, Configs.Seed(Range, 0, 1));
        a.Engine.PeerConnected(b.Name, Now);
        var first = Single(a.TakeGossipFor(b));
        Assert.False(first.Ring!.IsDelta);
        Assert.NotEmpty(first.Nicknames);
        Assert.NotNull(first.RingAt);
    }

    [Fact]
    public void Once_acknowledged_a_change_travels_as_the_changed_entry_alone()
    {
        var (a, b) = Connected(0, 1);
        SameRings(a, b);
        a.Engine.Allocate(1, "c1", null, isContainer: true, Now);
        a.Engine.Tick(Now);
        a.Engine.GossipPeriodically();

        var delta = Single(a.TakeGossipFor(b));
        Assert.True(delta.Ring!.IsDelta);
        var changed = Assert.Single(delta.Ring.Entries);
        Assert.Equal(a.Name, changed.Peer);
        Assert.Empty(delta.Nicknames);
        Assert.Empty(delta.Removed);

        Deliver(a, b, [delta]);
        SameRings(a, b);
    }

    [Fact]
    public void Idle_periodic_gossip_carries_no_entries_and_no_nicknames()
    {
        var (a, b) = Connected(0, 1);
        a.Engine.GossipPeriodically();
        var idle = Single(a.TakeGossipFor(b));
        Assert.True(idle.Ring!.IsDelta);
        Assert.Empty(idle.Ring.Entries);
        Assert.Empty(idle.Nicknames);
        Assert.NotNull(idle.Heard);
    }

    [Fact]
    public void A_delta_over_a_point_the_receiver_does_not_hold_is_not_merged_and_the_receiver_asks_from_what_it_holds()
    {
        var (a, b) = Connected(0, 1);
        // B restarts from its persisted state; A never saw the connection drop, so it still trusts B's
        // old acknowledgement.
        b.Engine = Allocator.Restore(b.Config, b.Name, "nick-1", new Random(99), b.Engine.Snapshot(), b.Engine.Owned);
        b.Engine.TakeEffects();
        a.Engine.Allocate(1, "c1", null, isContainer: true, Now);
        a.Engine.Tick(Now);
        a.Engine.GossipPeriodically();
        var delta = Single(a.TakeGossipFor(b));
        Assert.True(delta.Ring!.IsDelta);

        var before = b.Engine.Ring.Entries.ToList();
        Deliver(a, b, [delta]);
        Assert.Equal(before, b.Engine.Ring.Entries);
        var request = Single(b.TakeGossipFor(a));
        Assert.True(request.RingRequest);
        Assert.Null(request.Heard);

        Deliver(b, a, [request]);
        var answer = Single(a.TakeGossipFor(b));
        Assert.False(answer.Ring!.IsDelta);
        Deliver(a, b, [answer]);
        SameRings(a, b);
    }

    [Fact]
    public void An_acknowledgement_naming_another_incarnation_is_not_trusted()
    {
        var (a, b) = Connected(0, 1);
        b.Engine.GossipPeriodically();
        var heardBeforeRestart = Single(b.TakeGossipFor(a)).Heard!.Value;
        // A restarts: its change stamps begin again. B's acknowledgement of the old incarnation is
        // still on its way, at a stamp the new incarnation has too: only the epoch tells them apart.
        a.Engine = Allocator.Restore(a.Config, a.Name, "nick-0", new Random(98), a.Engine.Snapshot(), a.Engine.Owned);
        a.Engine.TakeEffects();
        a.Engine.PeerConnected(b.Name, Now);
        a.TakeGossipFor(b);
        var stale = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, null, ImmutableDictionary<PeerName, PeerName>.Empty,
            Heard: heardBeforeRestart with { Stamp = 0 });
        Deliver(b, a, [stale]);

        a.Engine.GossipPeriodically();
        Assert.False(Single(a.TakeGossipFor(b)).Ring!.IsDelta);
    }

    [Fact]
    public void A_removal_reaches_a_peer_that_acknowledged_an_earlier_point()
    {
        var (a, b) = Connected(0, 1, 2);
        var dead = PeerNetwork.Name(2);
        Assert.IsType<Outcome.Ok>(a.Run((e, id) => e.RemovePeer(id, dead.ToString(), Now)));

        var delta = Single(a.TakeGossipFor(b));
        Assert.True(delta.Ring!.IsDelta);
        Assert.Equal(a.Name, delta.Removed[dead]);
        Deliver(a, b, [delta]);
        Assert.Equal(a.Name, b.Engine.RemovedPeers[dead]);
        Assert.DoesNotContain(dead, b.Engine.Ring.Peers());
        SameRings(a, b);
    }

    [Fact]
    public void Lost_deltas_are_carried_again_until_acknowledged()
    {
        // Two changes to different entries: the free count of A's own entry (lost on the way), then
        // the ranges of a dead peer A takes over. The second message must carry the first change too.
        var (a, b) = Connected(0, 1, 2);
        a.Engine.Allocate(1, "c1", null, isContainer: true, Now);
        a.Engine.Tick(Now);
        a.Engine.GossipPeriodically();
        var lost = Assert.Single(Single(a.TakeGossipFor(b)).Ring!.Entries);
        Assert.IsType<Outcome.Ok>(a.Run((e, id) => e.RemovePeer(id, PeerNetwork.Name(2).ToString(), Now)));

        var later = Single(a.TakeGossipFor(b));
        Assert.True(later.Ring!.IsDelta);
        Assert.Contains(lost, later.Ring.Entries);
        Assert.Contains(later.Ring.Entries, e => e.Peer == a.Name && e.Token != lost.Token);
        Deliver(a, b, [later]);
        SameRings(a, b);
    }

    /// <summary>Hosts 0..n-1 connected to each other, settled, then two periodic rounds so each acknowledged the others.</summary>
    private static Host[] Mesh(int n, params int[] seeds)
    {
        var hosts = Enumerable.Range(0, n).Select(i => new Host(i, Configs.Seed(Range, seeds))).ToArray();
        foreach (var a in hosts)
            foreach (var b in hosts.Where(b => b != a))
                a.Engine.PeerConnected(b.Name, Now);
        for (var round = 0; round < 3; round++)
        {
            foreach (var a in hosts)
                foreach (var b in hosts.Where(b => b.Name < a.Name))
                    Settle(a, b);
            foreach (var h in hosts)
                h.Engine.GossipPeriodically();
        }
        foreach (var a in hosts)
            foreach (var b in hosts.Where(b => b.Name < a.Name))
                Settle(a, b);
        return hosts;
    }

    [Fact]
    public void A_relayed_change_over_a_point_the_receiver_does_not_hold_is_not_merged_and_its_share_of_the_relay_is_passed_on_once_the_change_is_held()
    {
        // Seeds 0..4, host 4 never runs. Host 0's relay tree over 1, 2, 3: host 1 (nothing after it),
        // host 2 (the arc up to host 0, which holds host 3).
        var h = Mesh(4, 0, 1, 2, 3, 4);
        // Host 2 restarts from its persisted state behind a half-open connection: host 0 still trusts
        // its old acknowledgement, so host 0's next delta builds on a point host 2 no longer holds.
        h[2].Engine = Allocator.Restore(h[2].Config, h[2].Name, "nick-2", new Random(97), h[2].Engine.Snapshot(), h[2].Engine.Owned);
        h[2].Engine.PeerConnected(h[3].Name, Now);
        h[2].Engine.PeerConnected(h[1].Name, Now);
        h[2].Collect();
        h[2].Outbox.Clear();

        Assert.IsType<Outcome.Ok>(h[0].Run((e, id) => e.RemovePeer(id, PeerNetwork.Name(4).ToString(), Now)));
        Assert.Empty(h[0].TakeGossipFor(h[3]));
        var relayed = Single(h[0].TakeGossipFor(h[2]));
        Assert.True(relayed.Ring!.IsDelta);
        Assert.Equal(h[0].Name, relayed.RelayUntil);

        var before = h[2].Engine.Ring.Entries.ToList();
        Deliver(h[0], h[2], [relayed]);
        Assert.Equal(before, h[2].Engine.Ring.Entries);
        Assert.Empty(h[2].TakeGossipFor(h[3]));
        var request = Single(h[2].TakeGossipFor(h[0]));
        Assert.True(request.RingRequest);

        Deliver(h[2], h[0], [request]);
        var answer = Single(h[0].TakeGossipFor(h[2]));
        Assert.Null(answer.RelayUntil);
        Deliver(h[0], h[2], [answer]);
        SameRings(h[0], h[2]);

        var passedOn = Single(h[2].TakeGossipFor(h[3]));
        Assert.Equal(h[0].Name, passedOn.RelayUntil);
        Deliver(h[2], h[3], [passedOn]);
        SameRings(h[0], h[3]);
        Assert.DoesNotContain(PeerNetwork.Name(4), h[3].Engine.Ring.Peers());
    }
}
