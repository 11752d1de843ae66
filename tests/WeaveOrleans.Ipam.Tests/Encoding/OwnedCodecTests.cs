using CsCheck;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;

namespace WeaveOrleans.Ipam.Tests.Encoding;

public class OwnedCodecTests
{
    [Fact]
    public void Random_rows_round_trip() =>
        CodecGen.Owned.Sample(owned =>
        {
            var bytes = OwnedCodec.Encode(owned);
            var decoded = OwnedCodec.Decode(bytes);
            CodecAssert.Same(owned, decoded);
            Assert.Equal(bytes, OwnedCodec.Encode(decoded));
        }, iter: 1000);

    [Fact]
    public void Every_truncation_of_a_valid_row_is_invalid_data() =>
        CodecGen.Owned.Sample(o => CodecAssert.RefusesTruncationAndTrailing(OwnedCodec.Encode(o), b => OwnedCodec.Decode(b)), iter: 300);

    [Fact]
    public void Random_bytes_decode_or_are_invalid_data() =>
        Gen.Byte.Array[0, 64].Sample(tail =>
        {
            CodecAssert.DecodesOrRefuses(tail, b => OwnedCodec.Decode(b));
            CodecAssert.DecodesOrRefuses([(byte)'O', 1, .. tail], b => OwnedCodec.Decode(b));
        }, iter: 5000);

    [Fact]
    public void Golden_bytes_pin_the_format()
    {
        var owned = new OwnedAddresses(true, [Cidr.Parse("10.0.0.5/24"), Cidr.Parse("2001:db8::1/64")]);
        byte[] expected =
        [
            0x4F, 0x01, 0x01, 0x02,
            0x85, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F, 0x18,
            0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xEE, 0x86, 0x81, 0x40, 0x40,
        ];
        Assert.Equal(expected, OwnedCodec.Encode(owned));
        CodecAssert.Same(owned, OwnedCodec.Decode(expected));
    }

    [Theory]
    [InlineData(new byte[] { 0x4F, 0x01, 0x00, 0x01, 0x85, 0x80, 0x80, 0xD0, 0xF0, 0xFF, 0x3F, 33 })]
    [InlineData(new byte[] { 0x4F, 0x01, 0x00, 0x01, 0x01, 129 })]
    public void A_prefix_too_long_for_the_address_family_is_refused(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode(bytes));

    [Fact]
    public void A_bad_container_flag_is_refused() =>
        Assert.Throws<InvalidDataException>(() => OwnedCodec.Decode([0x4F, 0x01, 0x02, 0x00]));
}
