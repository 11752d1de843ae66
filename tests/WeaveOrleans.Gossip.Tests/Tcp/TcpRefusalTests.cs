using System.Buffers.Binary;
using WeaveOrleans.Gossip.Tcp;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

public sealed class TcpRefusalTests
{
    [Fact]
    public async Task A_wrong_password_is_refused_on_both_sides_and_nothing_is_delivered()
    {
        await using var a = await TcpNode.StartAsync(A, password: "alpha");
        await using var b = await TcpNode.StartAsync(B, password: "bravo");
        a.Transport.Connect(b.Address);

        var atA = await a.Events.WaitFor<ConnectionRefused>();
        var atB = await b.Events.WaitFor<ConnectionRefused>();
        // The dialler proves first, so the side it dialled finds out and tells it.
        Assert.Equal("refused by the peer: authentication failed: the peer does not know the shared password", atA.Reason);
        Assert.Equal("authentication failed: the peer does not know the shared password", atB.Reason);
        Assert.Equal(b.Address, atA.Remote);
        Assert.Contains(a.Log.Lines, l => l.Contains("authentication failed"));
        Assert.Contains(b.Log.Lines, l => l.Contains("authentication failed"));

        Assert.False(a.Transport.Send(B, Bytes("secret?")));
        Assert.Empty(a.Transport.ConnectedPeers);
        Assert.Empty(b.Transport.ConnectedPeers);
        Assert.All(a.Events.Drain().Concat(b.Events.Drain()), e => Assert.IsType<ConnectionRefused>(e));
    }

    [Fact]
    public async Task A_missing_password_is_refused_on_both_sides()
    {
        await using var a = await TcpNode.StartAsync(A);
        await using var b = await TcpNode.StartAsync(B, password: "bravo");
        a.Transport.Connect(b.Address);

        Assert.StartsWith("authentication failed", (await a.Events.WaitFor<ConnectionRefused>()).Reason);
        Assert.StartsWith("authentication failed", (await b.Events.WaitFor<ConnectionRefused>()).Reason);
        Assert.All(a.Events.Drain().Concat(b.Events.Drain()), e => Assert.IsType<ConnectionRefused>(e));
    }

    [Fact]
    public async Task An_unauthenticated_client_cannot_get_a_payload_surfaced()
    {
        await using var b = await TcpNode.StartAsync(B, password: "bravo");
        using var raw = await RawPeer.ConnectAsync(b.Port);
        // Skips the proof and sends an application frame straight after the preamble.
        await raw.SendAsync([.. "WVOG"u8, WireProtocol.Version, 0, 0, 0, 2, (byte)FrameKind.Message, 1, 2]);

        var refused = await b.Events.WaitFor<ConnectionRefused>();
        Assert.StartsWith("protocol error", refused.Reason);
        Assert.True(await raw.ClosedByRemoteAsync());
        Assert.All(b.Events.Drain(), e => Assert.IsType<ConnectionRefused>(e));
    }

    [Fact]
    public async Task The_same_password_on_both_sides_connects()
    {
        await using var a = await TcpNode.StartAsync(A, password: "shared");
        await using var b = await TcpNode.StartAsync(B, password: "shared");
        a.Transport.Connect(b.Address);

        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        Assert.True(b.Transport.Send(A, Bytes("authenticated")));
        Assert.Equal("authenticated", Text((await a.Events.WaitFor<MessageReceived>()).Payload));
        Assert.Equal(1, a.Transport.Stats[FrameKind.Auth].FramesSent);
        Assert.Equal(1, a.Transport.Stats[FrameKind.Auth].FramesReceived);
    }

    [Fact]
    public async Task A_protocol_version_mismatch_is_refused_on_both_sides_with_the_reason_logged()
    {
        await using var a = await TcpNode.StartAsync(A, version: WireProtocol.Version + 1);
        await using var b = await TcpNode.StartAsync(B);
        a.Transport.Connect(b.Address);

        var atA = await a.Events.WaitFor<ConnectionRefused>();
        var atB = await b.Events.WaitFor<ConnectionRefused>();
        Assert.StartsWith("protocol version mismatch", atA.Reason);
        Assert.StartsWith("protocol version mismatch", atB.Reason);
        Assert.Contains(b.Log.Lines, l => l.Contains($"protocol version mismatch: we speak {WireProtocol.Version}, the peer speaks {WireProtocol.Version + 1}"));
        Assert.Empty(b.Transport.ConnectedPeers);
    }

    [Fact]
    public async Task Garbage_clients_are_refused_and_the_listener_keeps_serving()
    {
        await using var b = await TcpNode.StartAsync(B);

        using (var junk = await RawPeer.ConnectAsync(b.Port))
        {
            var noise = new byte[1024];
            new Random(7).NextBytes(noise);
            noise[0] = (byte)'X';
            await junk.SendAsync(noise);
            Assert.Contains("bad magic", (await b.Events.WaitFor<ConnectionRefused>()).Reason);
            Assert.True(await junk.ClosedByRemoteAsync());
        }

        using (var huge = await RawPeer.ConnectAsync(b.Port))
        {
            var header = new byte[5];
            BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
            header[4] = (byte)FrameKind.Hello;
            await huge.SendAsync([.. "WVOG"u8, WireProtocol.Version, .. header]);
            Assert.Contains("exceeds the limit", (await b.Events.WaitFor<ConnectionRefused>()).Reason);
        }

        using (var hangUp = await RawPeer.ConnectAsync(b.Port))
        {
            hangUp.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        }
        Assert.Contains("closed during the handshake", (await b.Events.WaitFor<ConnectionRefused>()).Reason);

        await using var a = await TcpNode.StartAsync(A);
        a.Transport.Connect(b.Address);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
    }

    [Fact]
    public async Task A_silent_client_is_refused_when_the_handshake_times_out()
    {
        await using var b = await TcpNode.StartAsync(B, new TcpPeerTransportOptions
        {
            ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        });
        using var silent = await RawPeer.ConnectAsync(b.Port);
        Assert.Equal("handshake timed out", (await b.Events.WaitFor<ConnectionRefused>()).Reason);
        Assert.True(await silent.ClosedByRemoteAsync());
    }
}
