using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;
using static WeaveOrleans.Gossip.Tests.Tcp.TcpPeerTransportTests;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>Clients on the peer port that are not peers, or peers that lie: none may keep real peers apart or make the daemon work without end.</summary>
public sealed class TcpHostileClientTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("shared")]
    public async Task Idle_connections_holding_every_handshake_slot_do_not_keep_a_real_peer_out(string? password)
    {
        // The idle ones would otherwise hold their slots for the whole handshake timeout.
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options(password: password) with { HandshakeTimeout = TimeSpan.FromSeconds(60) });
        var idle = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 100; i++)
                idle.Add(await RawPeer.ConnectAsync(b.Port));
            await using var a = await TcpNode.StartAsync(A, password: password);
            a.Transport.Connect(b.Address);
            await b.Events.WaitFor<PeerConnected>(e => e.Peer == A, TimeSpan.FromSeconds(5));
            await a.Events.WaitFor<PeerConnected>(e => e.Peer == B, TimeSpan.FromSeconds(5));
        }
        finally
        {
            foreach (var raw in idle)
                raw.Dispose();
        }
    }

    [Fact]
    public async Task A_known_peer_reconnects_at_once_while_strangers_from_other_addresses_hold_every_slot()
    {
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options() with { HandshakeTimeout = TimeSpan.FromSeconds(60) });
        var before = await TcpNode.StartAsync(A);
        before.Transport.Connect(b.Address);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        await before.DisposeAsync();
        await b.Events.WaitFor<PeerDisconnected>(e => e.Peer == A);

        var idle = new List<RawPeer>();
        try
        {
            for (var source = 1; source <= 8; source++)
                for (var i = 0; i < 8; i++)
                    idle.Add(await RawPeer.ConnectAsync(b.Port, new IPAddress([127, 0, 1, (byte)source])));
            await Eventually(() => b.Transport.PendingHandshakes == 64);

            await using var again = await TcpNode.StartAsync(A);
            again.Transport.Connect(b.Address);
            await b.Events.WaitFor<PeerConnected>(e => e.Peer == A, TimeSpan.FromSeconds(5));
            // One stranger gave up its slot; the peer's own slot is free again.
            await Eventually(() => b.Transport.PendingHandshakes == 63);
            await b.Events.WaitFor<ConnectionRefused>(e => e.Reason == "handshake slot taken by a newer connection");
        }
        finally
        {
            foreach (var raw in idle)
                raw.Dispose();
        }
    }

    [Fact]
    public async Task A_hello_full_of_addresses_is_dialled_within_bounds_then_forgotten_and_never_passed_on()
    {
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options() with { MaxLearnedTargets = 10, LearnedDialAttempts = 3 });
        using var closed = new ClosedPorts(199);
        List<string> nobody = [.. closed.Ports.Select(p => $"127.0.0.1:{p}"), "peer.invalid:6783"];
        using var liar = await RawPeer.HandshakeAsync(b.Port, A, nobody);
        var connected = await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        Assert.Equal(nobody, connected.PeerAddressesItKnows);

        // What the host does with a new connection's addresses.
        foreach (var address in connected.PeerAddressesItKnows)
            b.Transport.ConnectLearned(address);
        Assert.InRange(b.Transport.DialTargets.Count, 1, 10);
        Assert.DoesNotContain("peer.invalid:6783", b.Transport.DialTargets);

        var (next, hello) = await RawPeer.HandshakeWithHelloAsync(b.Port, C);
        using (next)
            Assert.DoesNotContain(hello.KnownAddresses, nobody.Contains);
        await Eventually(() => b.Transport.DialTargets.Count == 0);
    }

    [Fact]
    public async Task With_a_password_only_the_challenge_goes_out_before_the_proof()
    {
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options(password: "bravo") with
        {
            Nickname = "nick-of-b",
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        });
        using var closed = new ClosedPorts(1);
        b.Transport.Connect($"127.0.0.1:{closed.Ports[0]}");
        using var stranger = await RawPeer.ConnectAsync(b.Port);
        await stranger.SendAsync([.. "WVOG"u8, WireProtocol.Version]);

        // It waits for our side of the handshake, then gives up and closes: all it said is here.
        var said = await stranger.ReadToCloseAsync();
        Assert.Equal(WireProtocol.PreambleSize + WireProtocol.FrameHeaderSize + 1 + WireProtocol.NonceSize, said.Length);
        Assert.Equal((byte)FrameKind.Challenge, said[WireProtocol.PreambleSize + 4]);
    }

    [Fact]
    public async Task A_stranger_with_a_wrong_proof_gets_no_proof_to_crack_offline_and_no_hello()
    {
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options(password: "bravo"));
        using var stranger = await RawPeer.ConnectAsync(b.Port);
        var challenge = new Challenge(true, new byte[WireProtocol.NonceSize]).Encode();
        await stranger.SendAsync([.. "WVOG"u8, WireProtocol.Version, .. Frame(FrameKind.Challenge, challenge), .. Frame(FrameKind.Auth, new byte[32])]);

        var said = await stranger.ReadToCloseAsync();
        var afterChallenge = said.AsSpan(WireProtocol.PreambleSize + WireProtocol.FrameHeaderSize + Challenge.Size);
        Assert.Equal((byte)FrameKind.Refuse, afterChallenge[4]);
        Assert.Equal(WireProtocol.FrameHeaderSize + BinaryPrimitives.ReadInt32BigEndian(afterChallenge), afterChallenge.Length);
        Assert.StartsWith("authentication failed", (await b.Events.WaitFor<ConnectionRefused>()).Reason);
    }

    private static byte[] Frame(FrameKind kind, byte[] payload)
    {
        var header = new byte[WireProtocol.FrameHeaderSize];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        header[4] = (byte)kind;
        return [.. header, .. payload];
    }

    [Fact]
    public async Task Refused_connections_are_counted_and_their_warnings_rate_limited()
    {
        await using var b = await TcpNode.StartAsync(B);
        for (var i = 0; i < 30; i++)
        {
            using var junk = await RawPeer.ConnectAsync(b.Port);
            await junk.SendAsync("XXXXXXXX"u8.ToArray());
            Assert.True(await junk.ClosedByRemoteAsync());
        }
        await Eventually(() => b.Transport.Stats.ConnectionsRefused == 30);
        Assert.InRange(b.Log.Lines.Count(l => l.StartsWith("Warning")), 1, 3);
    }

    [Fact]
    public async Task Frames_being_read_on_all_connections_together_stay_within_the_memory_budget()
    {
        const int frame = 1024 * 1024;
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options(maxFrameSize: frame) with { MaxFrameBytesInFlight = 2 * frame });
        var slow = new List<RawPeer>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var raw = await RawPeer.HandshakeAsync(b.Port, new PeerName(0x100UL + (ulong)i));
                var header = new byte[WireProtocol.FrameHeaderSize];
                BinaryPrimitives.WriteInt32BigEndian(header, frame);
                header[4] = (byte)FrameKind.Message;
                await raw.SendAsync([.. header, .. new byte[1024]]);
                slow.Add(raw);
            }
            await Eventually(() => b.Transport.Stats.FrameBytesReserved == 2 * frame);

            // Small frames do not queue behind the big ones.
            await using var a = await TcpNode.StartAsync(A);
            a.Transport.Connect(b.Address);
            await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);
            Assert.True(a.Transport.Send(B, Bytes("small")));
            Assert.Equal("small", Text((await b.Events.WaitFor<MessageReceived>(m => m.From == A)).Payload));
            Assert.Equal(2 * frame, b.Transport.Stats.FrameBytesReserved);
        }
        finally
        {
            foreach (var raw in slow)
                raw.Dispose();
        }
    }

    /// <summary>
    /// Loopback ports held bound but not listening: a dial there is refused at once, and no other
    /// test's listener can take one while the test runs.
    /// </summary>
    private sealed class ClosedPorts : IDisposable
    {
        private readonly List<Socket> _sockets = [];

        public ClosedPorts(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            Ports = [.. _sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }

        public List<int> Ports { get; }

        public void Dispose()
        {
            foreach (var socket in _sockets)
                socket.Dispose();
        }
    }
}
