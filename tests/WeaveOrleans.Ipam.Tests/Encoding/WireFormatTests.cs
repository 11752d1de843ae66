using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Rings;
using static WeaveOrleans.TestSupport.TestAddresses;
using static WeaveOrleans.TestSupport.TestPeers;

namespace WeaveOrleans.Ipam.Tests.Encoding;

/// <summary>The shared varint rules, and the ring format that existed before the codecs shared them.</summary>
public class WireFormatTests
{
    private static readonly byte[] TenZero = [0x80, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F];

    [Fact]
    public void The_ring_format_is_unchanged_by_sharing_the_writer()
    {
        var universe = C("10.0.0.0/30");
        var ring = new RingData(universe, [new(0x0A)], [new RingEntry(universe.Start, new(0x0A), 1, 4)]);
        byte[] expected = [0x52, 0x01, 0x00, .. TenZero, 0x04, 0x01, 0x0A, 0x01, 0x0A, 0x01, 0x00, 0x00, 0x01, 0x04];
        Assert.Equal(expected, RingCodec.Encode(ring));
        CodecAssert.Same(ring, RingCodec.Decode(expected));
    }

    [Fact]
    public void A_varint_with_a_redundant_zero_byte_is_refused() =>
        Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode([0x4F, 0x01, 0x00, 0x80, 0x00]));

    [Fact]
    public void A_varint_wider_than_128_bits_is_refused()
    {
        byte[] tooWide = [.. Enumerable.Repeat((byte)0xFF, 18), 0x04];
        Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode([0x4F, 0x01, 0x00, 0x01, .. tooWide, 0x00]));
    }

    [Fact]
    public void The_widest_varint_reads_back_the_top_address()
    {
        byte[] top = [.. Enumerable.Repeat((byte)0xFF, 18), 0x03];
        var owned = OwnedCodec.Decode([0x4F, 0x01, 0x00, 0x01, .. top, 128]);
        Assert.Equal(UInt128.MaxValue, owned.Cidrs[0].Address.Value);
    }

    [Fact]
    public void A_count_larger_than_the_bytes_left_is_refused_before_allocating() =>
        Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode([0x4F, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]));

    [Fact]
    public void Bytes_of_another_codec_are_refused_by_magic()
    {
        var ring = RingCodec.Encode(new RingData(C("10.0.0.0/30"), [], []));
        var error = Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode(ring));
        Assert.Contains("not an encoded owned addresses", error.Message);
    }
}
