using System.Collections.Immutable;
using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;

namespace WeaveOrleans.Ipam.Tests.Encoding;

public class MessageCodecTests
{
    private static readonly PeerName A = new(0x0A);
    private static readonly PeerName B = new(0x0B);

    // 10.0.0.0 is ::ffff:10.0.0.0 on the address line.
    private static readonly byte[] TenZero = [0x80, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F];

    private static readonly AddressRange Slash30 = Cidr.Parse("10.0.0.0/30").Range;

    private static void RoundTrips(PeerMessage message)
    {
        var bytes = MessageCodec.Encode(message);
        var decoded = MessageCodec.Decode(bytes);
        CodecAssert.Same(message, decoded);
        Assert.Equal(bytes, MessageCodec.Encode(decoded));
    }

    [Fact]
    public void The_kind_of_an_encoded_message_is_read_from_its_header()
    {
        Assert.Equal("space-request", MessageCodec.KindOf(MessageCodec.Encode(new SpaceRequest(Slash30))));
        Assert.Equal("space-request-denied", MessageCodec.KindOf(MessageCodec.Encode(new SpaceRequestDenied(Slash30))));
        var gossip = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, null, ImmutableDictionary<PeerName, PeerName>.Empty);
        Assert.Equal("gossip", MessageCodec.KindOf(MessageCodec.Encode(gossip)));
        var delta = gossip with { Ring = new RingData(Slash30, [], [new RingEntry(Slash30.Start, A, 2, 3)], IsDelta: true) };
        Assert.Equal("gossip-delta", MessageCodec.KindOf(MessageCodec.Encode(delta)));
        Assert.Equal("malformed", MessageCodec.KindOf([0x57, 0x01]));
        Assert.Equal("malformed", MessageCodec.KindOf([0x52, 0x01, 0x00]));
        Assert.Equal("malformed", MessageCodec.KindOf([0x57, 0x02, 0x09]));
    }

    [Fact]
    public void Random_gossip_round_trips() => CodecGen.Gossip.Sample(RoundTrips, iter: 1000);

    [Fact]
    public void Random_space_requests_round_trip() => CodecGen.Range.Sample(r => RoundTrips(new SpaceRequest(r)), iter: 500);

    [Fact]
    public void Random_denials_round_trip() => CodecGen.Range.Sample(r => RoundTrips(new SpaceRequestDenied(r)), iter: 500);

    [Fact]
    public void Every_truncation_of_a_valid_message_is_invalid_data() =>
        CodecGen.Message.Sample(m => CodecAssert.RefusesTruncationAndTrailing(MessageCodec.Encode(m), b => MessageCodec.Decode(b)), iter: 200);

    [Fact]
    public void Random_bytes_decode_or_are_invalid_data() =>
        Gen.Select(Gen.Byte[0, 4], Gen.Byte.Array[0, 64]).Sample((type, tail) =>
        {
            CodecAssert.DecodesOrRefuses(tail, b => MessageCodec.Decode(b));
            CodecAssert.DecodesOrRefuses([(byte)'W', MessageCodec.FormatVersion, type, .. tail], b => MessageCodec.Decode(b));
        }, iter: 5000);

    [Fact]
    public void Golden_space_request_bytes_pin_the_format()
    {
        byte[] expected = [0x57, 0x02, 0x01, .. TenZero, 0x04];
        Assert.Equal(expected, MessageCodec.Encode(new SpaceRequest(Slash30)));
        Assert.Equal(new SpaceRequest(Slash30), MessageCodec.Decode(expected));
        Assert.Equal(new SpaceRequestDenied(Slash30), MessageCodec.Decode([0x57, 0x02, 0x02, .. TenZero, 0x04]));
    }

    [Fact]
    public void Golden_gossip_bytes_pin_the_format_including_the_embedded_ring()
    {
        var ring = new RingData(Slash30, [A], [new RingEntry(Slash30.Start, A, 1, 4)]);
        var gossip = new Gossip(ImmutableDictionary<PeerName, string>.Empty.Add(A, "é"), null, ring, ImmutableDictionary<PeerName, PeerName>.Empty.Add(B, A),
            RingAt: new RingStamp(5, 7), DeltaBase: 3, Heard: new RingStamp(9, 300));
        byte[] expected =
        [
            0x57, 0x02, 0x00,
            0x01, 0x0A, 0x02, 0xC3, 0xA9,
            0x00,
            0x01, 0x00, .. TenZero, 0x04, 0x01, 0x0A, 0x01, 0x0A, 0x01, 0x00, 0x00, 0x01, 0x04,
            0x01, 0x0B, 0x0A,
            0x00,
            0x01, 0x05, 0x07,
            0x03,
            0x01, 0x09, 0xAC, 0x02,
        ];
        Assert.Equal(expected, MessageCodec.Encode(gossip));
        CodecAssert.Same(gossip, MessageCodec.Decode(expected));
    }

    [Fact]
    public void Entry_ends_follow_the_entries_behind_a_flag_bit_in_the_delta_byte()
    {
        var ring = new RingData(Slash30, [A], [new RingEntry(Slash30.Start, A, 1, 4) with { End = Slash30.Start, EndVersion = 1 }]);
        var gossip = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null, ring, ImmutableDictionary<PeerName, PeerName>.Empty);
        byte[] expected =
        [
            0x57, 0x02, 0x00,
            0x00,
            0x00,
            0x01, 0x02, .. TenZero, 0x04, 0x01, 0x0A, 0x01, 0x0A, 0x01, 0x00, 0x00, 0x01, 0x04,
            0x01,
            0x00,
            0x00,
            0x00,
            0x00,
            0x00,
        ];
        Assert.Equal(expected, MessageCodec.Encode(gossip));
        CodecAssert.Same(gossip, MessageCodec.Decode(expected));
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_a_message_naming_it()
    {
        byte[] bytes = [.. MessageCodec.Encode(new SpaceRequest(Slash30))];
        bytes[1] = MessageCodec.PoolFormatVersion + 1;
        var error = Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes));
        Assert.Contains($"format version {MessageCodec.PoolFormatVersion + 1}", error.Message);
        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public void An_unknown_message_type_is_refused() =>
        Assert.Contains("unknown message type 4",
            Assert.Throws<InvalidDataException>(() => MessageCodec.Decode([0x57, 0x02, 0x04, .. TenZero, 0x04])).Message);

    [Fact]
    public void A_gossip_kind_that_does_not_match_its_ring_is_refused()
    {
        var whole = new Gossip(ImmutableDictionary<PeerName, string>.Empty, null,
            new RingData(Slash30, [A], [new RingEntry(Slash30.Start, A, 1, 4)]), ImmutableDictionary<PeerName, PeerName>.Empty);
        byte[] bytes = [.. MessageCodec.Encode(whole)];
        bytes[2] = 3;
        Assert.Contains("delta gossip without a delta ring", Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes)).Message);
        var delta = whole with { Ring = whole.Ring! with { Seeds = [], IsDelta = true } };
        bytes = [.. MessageCodec.Encode(delta)];
        bytes[2] = 0;
        Assert.Contains("whole-ring kind", Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes)).Message);
    }

    [Fact]
    public void An_empty_requested_range_is_refused() =>
        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode([0x57, 0x02, 0x01, .. TenZero, 0x00]));

    [Fact]
    public void A_range_wrapping_past_the_top_of_the_address_line_is_refused()
    {
        byte[] top = [.. Enumerable.Repeat((byte)0xFF, 18), 0x03];
        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode([0x57, 0x02, 0x01, .. top, 0x01]));
    }

    [Fact]
    public void A_nickname_that_is_not_utf8_is_refused() =>
        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode([0x57, 0x02, 0x00, 0x01, 0x0A, 0x01, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));

    [Fact]
    public void A_nickname_longer_than_the_bound_is_refused_by_both_sides()
    {
        var name = new string('x', MessageCodec.MaxNicknameBytes + 1);
        var gossip = new Gossip(ImmutableDictionary<PeerName, string>.Empty.Add(A, name), null, null, []);
        Assert.Throws<ArgumentException>(() => MessageCodec.Encode(gossip));
        byte[] bytes = [0x57, 0x02, 0x00, 0x01, 0x0A, 0x80, 0x02, .. System.Text.Encoding.UTF8.GetBytes(name), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes));
    }
}
