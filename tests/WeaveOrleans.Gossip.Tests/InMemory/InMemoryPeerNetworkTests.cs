using WeaveOrleans.Gossip.InMemory;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.InMemory;

public sealed class InMemoryPeerNetworkTests
{
    private readonly InMemoryPeerNetwork _network = new();

    private async Task<(InMemoryPeerTransport T, EventProbe E)> Host(PeerName name)
    {
        var t = _network.CreateTransport(name, $"mem-{name}:6783");
        await t.StartAsync(CancellationToken.None);
        return (t, new EventProbe(t.Events));
    }

    /// <summary>A, B and C, each dialled by a lower name, so that every pair is linked.</summary>
    private async Task<((InMemoryPeerTransport T, EventProbe E) A, (InMemoryPeerTransport T, EventProbe E) B, (InMemoryPeerTransport T, EventProbe E) C)> Triangle()
    {
        var (a, b, c) = (await Host(A), await Host(B), await Host(C));
        a.T.Connect(b.T.Address);
        a.T.Connect(c.T.Address);
        b.T.Connect(c.T.Address);
        return (a, b, c);
    }

    [Fact]
    public async Task Connecting_reports_both_ends_and_delivers_unicast_and_broadcast()
    {
        var (a, ea) = await Host(A);
        var (b, eb) = await Host(B);
        a.Connect(b.Address);

        var atA = await ea.WaitFor<PeerConnected>();
        var atB = await eb.WaitFor<PeerConnected>();
        Assert.Equal((B, b.Address), (atA.Peer, atA.RemoteAddress));
        Assert.Equal((A, a.Address), (atB.Peer, atB.RemoteAddress));
        Assert.Equal([B], a.ConnectedPeers);

        Assert.True(a.Send(B, Bytes("one")));
        Assert.Equal(1, b.Broadcast(Bytes("two")));
        Assert.False(a.Send(C, Bytes("nobody")));
        Assert.Equal((A, "one"), Unpack(await eb.WaitFor<MessageReceived>()));
        Assert.Equal((B, "two"), Unpack(await ea.WaitFor<MessageReceived>()));
    }

    [Fact]
    public async Task Each_link_delivers_in_order_and_the_caller_may_reuse_its_buffer()
    {
        var (a, _) = await Host(A);
        var (b, eb) = await Host(B);
        a.Connect(b.Address);
        await eb.WaitFor<PeerConnected>();

        var buffer = new byte[4];
        for (var i = 0; i < 1000; i++)
        {
            BitConverter.TryWriteBytes(buffer, i);
            Assert.True(a.Send(B, buffer));
        }
        for (var i = 0; i < 1000; i++)
            Assert.Equal(i, BitConverter.ToInt32((await eb.WaitFor<MessageReceived>()).Payload.Span));
    }

    [Fact]
    public async Task A_partition_drops_links_across_it_keeps_links_within_and_heals()
    {
        var ((a, ea), (b, eb), (c, ec)) = await Triangle();
        Assert.Equal(2, a.ConnectedPeers.Count);

        Assert.True(a.Send(C, Bytes("before")));
        _network.Partition([A, B], [C]);

        Assert.Equal([B], a.ConnectedPeers);
        Assert.Empty(c.ConnectedPeers);
        Assert.False(a.Send(C, Bytes("across")));
        Assert.Equal(1, a.Broadcast(Bytes("within")));
        Assert.Equal((A, "within"), Unpack(await eb.WaitFor<MessageReceived>()));

        // What was sent before the cut arrives before the disconnection; nothing after it.
        var seenAtC = new List<PeerEvent>();
        while (seenAtC.Count(e => e is PeerDisconnected) < 2)
            seenAtC.Add(await c.Events.ReadAsync());
        Assert.Equal(
            [new PeerConnected(A, a.Address, [b.Address, c.Address]), new PeerConnected(B, b.Address, [a.Address, c.Address]),
             new MessageReceived(A, default), new PeerDisconnected(A), new PeerDisconnected(B)],
            seenAtC, new EventShape());
        await ea.WaitFor<PeerDisconnected>(e => e.Peer == C);

        _network.HealAll();
        Assert.Equal(C, (await ea.WaitFor<PeerConnected>(e => e.Peer == C)).Peer);
        Assert.Equal(2, c.ConnectedPeers.Count);
        Assert.True(a.Send(C, Bytes("after")));
        Assert.Equal((A, "after"), Unpack(await ec.WaitFor<MessageReceived>()));
    }

    [Fact]
    public async Task A_cut_link_is_not_transitive_and_heals_on_its_own()
    {
        var (a, ea) = await Host(A);
        var (b, eb) = await Host(B);
        var (c, _) = await Host(C);
        a.Connect(b.Address);
        b.Connect(c.Address);
        c.Connect(a.Address);

        _network.Cut(A, B);
        Assert.Equal(B, (await ea.WaitFor<PeerDisconnected>()).Peer);
        Assert.Equal(A, (await eb.WaitFor<PeerDisconnected>()).Peer);
        Assert.False(_network.IsLinked(A, B));
        Assert.True(_network.IsLinked(A, C));
        Assert.True(_network.IsLinked(B, C));
        Assert.False(a.Send(B, Bytes("x")));
        Assert.True(a.Send(C, Bytes("via c is the engine's job")));

        _network.Heal(B, A);
        await ea.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.True(a.Send(B, Bytes("y")));
        Assert.Equal((A, "y"), Unpack(await eb.WaitFor<MessageReceived>()));
    }

    [Fact]
    public async Task Isolating_a_peer_cuts_all_its_links()
    {
        var ((a, ea), (b, eb), (c, ec)) = await Triangle();

        _network.Isolate(A);
        Assert.Empty(a.ConnectedPeers);
        Assert.Equal(0, a.Broadcast(Bytes("alone")));
        Assert.True(_network.IsLinked(B, C));
        await eb.WaitFor<PeerDisconnected>(e => e.Peer == A);
        await ec.WaitFor<PeerDisconnected>(e => e.Peer == A);

        _network.HealAll();
        Assert.Equal(2, a.ConnectedPeers.Count);
    }

    [Fact]
    public async Task A_restarted_host_on_the_same_address_is_reconnected()
    {
        var (a, ea) = await Host(A);
        var (b, _) = await Host(B);
        a.Connect(b.Address);
        await ea.WaitFor<PeerConnected>();

        await b.DisposeAsync();
        Assert.Equal(B, (await ea.WaitFor<PeerDisconnected>()).Peer);
        Assert.False(a.Send(B, Bytes("gone")));

        var (b2, eb2) = await Host(B);
        await ea.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.Equal(A, (await eb2.WaitFor<PeerConnected>()).Peer);
    }

    [Fact]
    public async Task A_target_that_does_not_exist_yet_is_connected_once_it_starts()
    {
        var (a, ea) = await Host(A);
        a.Connect("mem-later:1");
        var d = _network.CreateTransport(D, "mem-later:1");
        Assert.Empty(a.ConnectedPeers);
        await d.StartAsync(CancellationToken.None);
        Assert.Equal(D, (await ea.WaitFor<PeerConnected>()).Peer);
    }

    [Fact]
    public async Task The_connected_event_carries_the_addresses_the_peer_knows()
    {
        var (a, _) = await Host(A);
        var (b, _) = await Host(B);
        var (c, ec) = await Host(C);
        a.Connect(b.Address);
        c.Connect(b.Address);
        var fromB = await ec.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.Contains(a.Address, fromB.PeerAddressesItKnows);
    }

    [Fact]
    public async Task Connecting_to_ourselves_is_refused_and_names_and_addresses_are_unique()
    {
        var (a, ea) = await Host(A);
        a.Connect(a.Address);
        Assert.Contains("connection to self", (await ea.WaitFor<ConnectionRefused>()).Reason);
        Assert.Throws<InvalidOperationException>(() => _network.CreateTransport(A, "other:1"));
        Assert.Throws<InvalidOperationException>(() => _network.CreateTransport(B, a.Address));
    }

    [Fact]
    public async Task Disposing_completes_the_event_stream()
    {
        var (a, _) = await Host(A);
        await a.DisposeAsync();
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        await a.Events.Completion.WaitAsync(cts.Token);
    }

    private static (PeerName, string) Unpack(MessageReceived m) => (m.From, Text(m.Payload));

    /// <summary>Compares events by kind, peer and known addresses, ignoring payload bytes.</summary>
    private sealed class EventShape : IEqualityComparer<PeerEvent>
    {
        public bool Equals(PeerEvent? x, PeerEvent? y) => (x, y) switch
        {
            (PeerConnected p, PeerConnected q) => p.Peer == q.Peer && p.RemoteAddress == q.RemoteAddress && p.PeerAddressesItKnows.SequenceEqual(q.PeerAddressesItKnows),
            (MessageReceived p, MessageReceived q) => p.From == q.From,
            _ => object.Equals(x, y),
        };

        public int GetHashCode(PeerEvent obj) => obj.GetType().GetHashCode();
    }
}
