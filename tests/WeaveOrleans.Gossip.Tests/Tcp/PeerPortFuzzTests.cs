using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Ipam.Peers;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

/// <summary>
/// A seeded storm on the peer port from many loopback sources: garbage, truncated and lying
/// handshakes, declared lengths up to 2 GiB, and peers that handshake (no password: the open
/// default) and then send junk. Through all of it two real peers keep talking, and afterwards a
/// new real peer still gets in; pending handshakes and frame memory stay within their bounds.
/// </summary>
public sealed class PeerPortFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Frame = 256 * 1024;
    private const int Budget = 4 * Frame;

    [Fact]
    public async Task The_port_survives_a_seeded_storm_and_real_peers_keep_talking()
    {
        var random = new Random(1414);
        await using var b = await TcpNode.StartAsync(B, TcpNode.Options(maxFrameSize: Frame) with { MaxFrameBytesInFlight = Budget });
        await using var a = await TcpNode.StartAsync(A);
        a.Transport.Connect(b.Address);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == A);
        await a.Events.WaitFor<PeerConnected>(e => e.Peer == B);

        var maxPending = 0;
        long maxReserved = 0;
        var attacks = 0;
        var held = new System.Collections.Concurrent.ConcurrentBag<RawPeer>();
        var workers = Enumerable.Range(0, 6).Select(w => new Random(random.Next())).Select(async r =>
        {
            for (var i = 0; i < 60; i++)
            {
                await AttackAsync(b.Port, r, held);
                Interlocked.Increment(ref attacks);
            }
        }).ToList();
        var storm = Task.WhenAll(workers);
        var round = 0;
        while (!storm.IsCompleted)
        {
            maxPending = Math.Max(maxPending, b.Transport.PendingHandshakes);
            maxReserved = Math.Max(maxReserved, b.Transport.Stats.FrameBytesReserved);
            var text = $"still here {round++}";
            Assert.True(a.Transport.Send(B, Bytes(text)), "the real peers' connection dropped during the storm");
            Assert.Equal(text, Text((await b.Events.WaitFor<MessageReceived>(m => m.From == A && Text(m.Payload) == text, TimeSpan.FromSeconds(5))).Payload));
        }
        await storm;
        foreach (var raw in held)
            raw.Dispose();

        output.WriteLine($"attacks {attacks}, refused {b.Transport.Stats.ConnectionsRefused}, messages between the real peers {round}, " +
            $"max pending handshakes {maxPending}, max frame bytes reserved {maxReserved}");
        Assert.Equal(360, attacks);
        Assert.InRange(maxPending, 0, 64);
        Assert.InRange(maxReserved, 0, Budget);
        Assert.True(b.Transport.Stats.ConnectionsRefused > 0);
        await using var c = await TcpNode.StartAsync(C);
        c.Transport.Connect(b.Address);
        await b.Events.WaitFor<PeerConnected>(e => e.Peer == C);
        // Each side counts the other connected on the other's hello, so both are waited for (here and above).
        await c.Events.WaitFor<PeerConnected>(e => e.Peer == B);
        Assert.True(c.Transport.Send(B, Bytes("after the storm")));
        await b.Events.WaitFor<MessageReceived>(m => m.From == C);
        await TcpPeerTransportTests.Eventually(() => b.Transport.Stats.FrameBytesReserved == 0 && b.Transport.PendingHandshakes == 0);
    }

    private static async Task AttackAsync(int port, Random r, System.Collections.Concurrent.ConcurrentBag<RawPeer> held)
    {
        var from = new IPAddress([127, 0, 1, (byte)r.Next(1, 40)]);
        var handshake = r.Next(4) == 0;
        RawPeer raw;
        try
        {
            raw = handshake
                ? (await RawPeer.HandshakeWithHelloAsync(port, new PeerName((ulong)r.NextInt64(0x1000, 0xffff_ffff)), Junk(r), from)).Peer
                : await RawPeer.ConnectAsync(port, from);
        }
        catch (Exception e) when (e is IOException or SocketException or HandshakeRefusedException or ProtocolException or OperationCanceledException or EndOfStreamException)
        {
            return; // refused (rate limit, shed): what a flood should get
        }
        if (handshake && r.Next(3) == 0)
        {
            // A large frame started and never finished: it holds budget until the peer is dropped as silent.
            try
            {
                await raw.SendAsync([.. Header(FrameKind.Message, r.Next(Frame / 2, Frame + 1)), .. Noise(r, r.Next(0, 4096))]);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
            }
            held.Add(raw);
            return;
        }
        using (raw)
        {
            try
            {
                await raw.SendAsync(Payload(r));
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
            }
        }
    }

    /// <summary>One of: noise, a truncated opening, a huge declared length, a frame of a random kind with a lying length.</summary>
    private static byte[] Payload(Random r)
    {
        byte[] preamble = [.. "WVOG"u8, WireProtocol.Version];
        switch (r.Next(5))
        {
            case 0:
                return Noise(r, r.Next(0, 2048));
            case 1:
                return [.. preamble.AsSpan(0, r.Next(0, preamble.Length + 1)), .. Noise(r, r.Next(0, 40))];
            case 2:
                return [.. preamble, .. Header((FrameKind)r.Next(0, 8), r.Next(0, int.MaxValue)), .. Noise(r, r.Next(0, 512))];
            case 3:
                return [.. Header((FrameKind)r.Next(0, 8), r.Next(Frame / 2, Frame + 1)), .. Noise(r, r.Next(0, 8192))];
            default:
                return [.. Header(FrameKind.Message, r.Next(-16, 64)), .. Noise(r, r.Next(0, 64))];
        }
    }

    private static byte[] Header(FrameKind kind, int length)
    {
        var header = new byte[WireProtocol.FrameHeaderSize];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        header[4] = (byte)kind;
        return header;
    }

    private static byte[] Noise(Random r, int length)
    {
        var bytes = new byte[length];
        r.NextBytes(bytes);
        return bytes;
    }

    private static List<string> Junk(Random r) =>
        [.. Enumerable.Range(0, r.Next(0, 20)).Select(_ => r.Next(3) switch
        {
            0 => $"127.0.0.1:{r.Next(1, 65536)}",
            1 => $"host{r.Next()}.invalid:6783",
            _ => Convert.ToHexString(Noise(r, r.Next(1, 30))),
        })];
}
