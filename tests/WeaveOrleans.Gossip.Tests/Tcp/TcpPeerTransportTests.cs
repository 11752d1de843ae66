using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

public sealed class TcpPeerTransportTests
{
    [Fact]
    public async Task Two_peers_connect_and_exchange_unicast_and_broadcast_both_ways()
    {
        await using var a = await TcpNode.StartAsync(A);
        await using var b = await TcpNode.StartAsync(B);

        a.Transport.Connect(b.Address);

        var atA = await a.Events.WaitFor<PeerConnected>();
        var atB = await b.Events.WaitFor<PeerConnected>();
        Assert.Equal(B, atA.Peer);
        Assert.Equal(b.Address, atA.RemoteAddress);
        Assert.Equal(A, atB.Peer);
        Assert.Equal(a.Address, atB.RemoteAddress); // the dialler's listen port, not its ephemeral one
        Assert.Equal([B], a.Transport.ConnectedPeers);
        Assert.Equal([A], b.Transport.ConnectedPeers);

        Assert.True(a.Transport.Send(B, Bytes("a to b")));
        Assert.True(b.Transport.Send(A, Bytes("b to a")));
        Assert.Equal(1, a.Transport.Broadcast(Bytes("a to all")));
        Assert.Equal(1, b.Transport.Broadcast(Bytes("b to all")));

        var gotB1 = await b.Events.WaitFor<MessageReceived>();
        var gotB2 = await b.Events.WaitFor<MessageReceived>();
        var gotA1 = await a.Events.WaitFor<MessageReceived>();
        var gotA2 = await a.Events.WaitFor<MessageReceived>();
        Assert.Equal((A, "a to b"), (gotB1.From, Text(gotB1.Payload)));
        Assert.Equal((A, "a to all"), (gotB2.From, Text(gotB2.Payload)));
        Assert.Equal((B, "b to a"), (gotA1.From, Text(gotA1.Payload)));
        Assert.Equal((B, "b to all"), (gotA2.From, Text(gotA2.Payload)));

        Assert.False(a.Transport.Send(C, Bytes("nobody")));
        var sent = a.Transport.Stats[FrameKind.Message];
        Assert.Equal(2, sent.FramesSent);
        Assert.Equal(2 * 5 + "a to b".Length + "a to all".Length, sent.BytesSent);
        Assert.Equal(2, sent.FramesReceived);
    }

    [Fact]
    public async Task A_peer_in_the_middle_advertises_the_far_peer_so_the_ends_can_connect()
    {
        await using var a = await TcpNode.StartAsync(A);
        await using var b = await TcpNode.StartAsync(B);
        await using var c = await TcpNode.StartAsync(C);

        a.Transport.Connect(b.Address);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);

        c.Transport.Connect(b.Address);
        var fromB = await c.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.Contains(a.Address, fromB.PeerAddressesItKnows);
        Assert.False(c.Transport.Send(A, Bytes("not relayed")));

        c.Transport.Connect(a.Address);
        var fromA = await c.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        Assert.Equal(a.Address, fromA.RemoteAddress);
        Assert.True(c.Transport.Send(A, Bytes("direct now")));
        var got = await a.Events.WaitFor<MessageReceived>();
        Assert.Equal((C, "direct now"), (got.From, Text(got.Payload)));
    }

    [Fact]
    public async Task Simultaneous_dials_leave_exactly_one_connection_the_one_dialled_by_the_lower_name()
    {
        for (var round = 0; round < 5; round++)
        {
            await using var a = await TcpNode.StartAsync(A);
            await using var b = await TcpNode.StartAsync(B);

            a.Transport.Connect(b.Address);
            b.Transport.Connect(a.Address);

            await a.Events.WaitFor<PeerConnected>();
            await b.Events.WaitFor<PeerConnected>();
            await Eventually(() =>
            {
                var atA = a.Transport.ConnectionTo(B);
                var atB = b.Transport.ConnectionTo(A);
                return atA is { DialledBySelf: true } && atB is { DialledBySelf: false }
                    && atA.Endpoints.Local == atB.Endpoints.Remote && atA.Endpoints.Remote == atB.Endpoints.Local;
            });
            Assert.Single(a.Transport.ConnectedPeers);
            Assert.Single(b.Transport.ConnectedPeers);

            Assert.True(b.Transport.Send(A, Bytes($"round {round}")));
            var got = await a.Events.WaitFor<MessageReceived>();
            Assert.Equal($"round {round}", Text(got.Payload));
        }
    }

    [Fact]
    public async Task Restarted_peer_on_the_same_port_is_redialled_with_back_off()
    {
        await using var a = await TcpNode.StartAsync(A);
        var b = await TcpNode.StartAsync(B);
        var port = b.Port;
        a.Transport.Connect(b.Address);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);

        await b.DisposeAsync();
        await a.Events.WaitFor<PeerDisconnected>(e => e.Peer == B);
        Assert.Empty(a.Transport.ConnectedPeers);

        await using var b2 = await TcpNode.StartAsync(B, port: port);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        await b2.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        Assert.True(a.Transport.Send(B, Bytes("welcome back")));
        var got = await b2.Events.WaitFor<MessageReceived>();
        Assert.Equal("welcome back", Text(got.Payload));
    }

    [Fact]
    public async Task Connecting_to_ourselves_is_refused()
    {
        await using var a = await TcpNode.StartAsync(A);
        a.Transport.Connect(a.Address);
        var refused = await a.Events.WaitFor<ConnectionRefused>();
        Assert.Contains("connection to self", refused.Reason);
        Assert.Empty(a.Transport.ConnectedPeers);
    }

    [Fact]
    public async Task An_oversize_frame_closes_the_connection_without_delivering_it()
    {
        await using var a = await TcpNode.StartAsync(A);
        await using var b = await TcpNode.StartAsync(B, maxFrameSize: 1024);
        a.Transport.Connect(b.Address);
        await a.Events.WaitFor<PeerConnected>();
        await b.Events.WaitFor<PeerConnected>();

        Assert.True(a.Transport.Send(B, new byte[4096]));

        await b.Events.WaitFor<PeerDisconnected>(e => e.Peer == A);
        await a.Events.WaitFor<PeerDisconnected>(e => e.Peer == B);
        Assert.DoesNotContain(b.Events.Seen, e => e is MessageReceived);
        Assert.Contains(b.Log.Lines, l => l.Contains("exceeds the limit of 1024"));
    }

    [Fact]
    public async Task A_silent_peer_is_dropped_after_missed_heartbeats()
    {
        await using var b = await TcpNode.StartAsync(B, pingInterval: TimeSpan.FromMilliseconds(100));
        using var silent = await RawPeer.HandshakeAsync(b.Port, A);

        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        var started = DateTime.UtcNow;
        await b.Events.WaitFor<PeerDisconnected>(e => e.Peer == A);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "dropped before three intervals passed");
        Assert.Contains(b.Log.Lines, l => l.Contains("nothing heard"));
    }

    [Fact]
    public async Task Sending_more_than_the_local_frame_limit_is_rejected_at_the_call()
    {
        await using var a = await TcpNode.StartAsync(A, maxFrameSize: 1024);
        Assert.Throws<ArgumentException>(() => a.Transport.Broadcast(new byte[1025]));
        Assert.Throws<ArgumentException>(() => a.Transport.Connect("no-port"));
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        // Polls a state with no event of its own (which of two sockets survived), bounded by the deadline.
        using var cts = new CancellationTokenSource(EventProbe.Deadline);
        while (!condition())
            await Task.Delay(20, cts.Token);
    }
}
