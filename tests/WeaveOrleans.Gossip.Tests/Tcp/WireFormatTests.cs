using System.Buffers.Binary;
using WeaveOrleans.Gossip.Tcp;
using static WeaveOrleans.TestSupport.TestPeers;
using static WeaveOrleans.TestSupport.TestText;

namespace WeaveOrleans.Gossip.Tests.Tcp;

public sealed class WireFormatTests
{
    [Fact]
    public void Hello_round_trips()
    {
        var hello = new Hello(B, 6783, "héllo", ["10.0.0.1:6783", "[::1]:6783"]);
        var back = Hello.Decode(hello.Encode());
        Assert.Equal((B, 6783, "héllo"), (back.Name, back.ListenPort, back.Nickname));
        Assert.Equal(hello.KnownAddresses, back.KnownAddresses);
    }

    [Fact]
    public void Challenge_round_trips_and_rejects_a_wrong_size_or_unknown_flags()
    {
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var back = Challenge.Decode(new Challenge(true, nonce).Encode());
        Assert.True(back.RequiresPassword);
        Assert.Equal(nonce, back.Nonce);
        Assert.Throws<ProtocolException>(() => Challenge.Decode(new byte[Challenge.Size - 1]));
        Assert.Throws<ProtocolException>(() => Challenge.Decode([2, .. nonce]));
    }

    [Fact]
    public void Malformed_hellos_are_protocol_errors()
    {
        var good = new Hello(B, 6783, "n", ["a:1"]).Encode();
        Assert.Throws<ProtocolException>(() => Hello.Decode(good.AsSpan(0, good.Length - 1)));
        Assert.Throws<ProtocolException>(() => Hello.Decode([.. good, 0]));
        Assert.Throws<ProtocolException>(() => Hello.Decode(new Hello(Ipam.Peers.PeerName.None, 1, "", []).Encode()));
    }

    [Fact]
    public async Task Frames_round_trip_and_count_header_bytes()
    {
        var stats = new TransportStats();
        var stream = new MemoryStream();
        await FrameCodec.WriteAsync(stream, FrameKind.Message, Bytes("hi"), stats, default);
        await FrameCodec.WriteAsync(stream, FrameKind.Ping, ReadOnlyMemory<byte>.Empty, stats, default);
        stream.Position = 0;
        var (k1, p1) = await FrameCodec.ReadAsync(stream, 1024, stats, default);
        var (k2, p2) = await FrameCodec.ReadAsync(stream, 1024, stats, default);
        Assert.Equal((FrameKind.Message, "hi"), (k1, Text(p1)));
        Assert.Equal((FrameKind.Ping, 0), (k2, p2.Length));
        Assert.Equal(new FrameCounters(1, 7, 1, 7), stats[FrameKind.Message]);
        Assert.Equal(new FrameCounters(1, 5, 1, 5), stats[FrameKind.Ping]);
    }

    [Fact]
    public async Task A_length_over_the_limit_is_rejected_before_reading_the_payload()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header, 2048);
        header[4] = (byte)FrameKind.Message;
        var e = await Assert.ThrowsAsync<ProtocolException>(async () =>
            await FrameCodec.ReadAsync(new MemoryStream(header), 1024, new TransportStats(), default));
        Assert.Contains("exceeds the limit of 1024", e.Message);
    }

    [Fact]
    public async Task A_declared_length_costs_memory_only_as_the_payload_arrives()
    {
        const int declared = 16 * 1024 * 1024;
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header, declared);
        header[4] = (byte)FrameKind.Message;
        var stream = new MemoryStream([.. header, .. new byte[1000]]);
        // A MemoryStream completes every read at once, so all of it runs on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await FrameCodec.ReadAsync(stream, declared, new TransportStats(), default));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated for 1000 bytes received");
    }

    [Fact]
    public async Task An_unknown_frame_type_is_rejected()
    {
        await Assert.ThrowsAsync<ProtocolException>(async () =>
            await FrameCodec.ReadAsync(new MemoryStream([0, 0, 0, 0, 99]), 1024, new TransportStats(), default));
    }

    [Fact]
    public void Back_off_doubles_to_the_cap_with_jitter_and_resets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new Random(1));
        var steps = new[] { 0.5, 1, 2, 4, 8, 16, 30, 30 };
        foreach (var step in steps)
        {
            var d = backoff.Next().TotalSeconds;
            Assert.InRange(d, step / 2, step);
        }
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.25, 0.5);

        var again = new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new Random(1));
        Assert.Equal(new ReconnectBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new Random(1)).Next(), again.Next());
    }

    [Theory]
    [InlineData("127.0.0.1:6783", "127.0.0.1", 6783)]
    [InlineData("[::1]:80", "::1", 80)]
    [InlineData("host.example:1", "host.example", 1)]
    public void Addresses_parse(string text, string host, int port)
    {
        Assert.True(PeerAddress.TryParse(text, out var a));
        Assert.Equal(new PeerAddress(host, port), a);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    [InlineData("::1:80")]
    public void Bad_addresses_do_not_parse(string text) => Assert.False(PeerAddress.TryParse(text, out _));
}
