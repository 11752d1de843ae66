using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Ipam.Tests.Addresses;

public class AddressTests
{
    [Theory]
    [InlineData("10.2.3.4")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("fd00::1")]
    public void Parse_and_format_round_trip(string text) =>
        Assert.Equal(text, Address.Parse(text).ToString());

    [Theory]
    [InlineData("abc", "invalid IP address \"abc\"")]
    [InlineData("10.2.3.256", "256 is larger than 255")]
    [InlineData("10.2.3", "expected four dotted numbers")]
    [InlineData("10.2.3.-1", "is not a number")]
    [InlineData("", "empty IP address")]
    public void Bad_addresses_are_refused_with_the_problem_named(string text, string expected)
    {
        var e = Assert.Throws<IpamFormatException>(() => Address.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void IPv4_sits_at_its_mapped_position_and_orders_numerically()
    {
        Assert.True(Address.Parse("10.0.0.2") > Address.Parse("10.0.0.1"));
        Assert.Equal(UInt128.One << 8, Address.Parse("10.0.1.0") - Address.Parse("10.0.0.0"));
        Assert.True(Address.Parse("1.2.3.4").IsV4);
        Assert.False(Address.Parse("fd00::1").IsV4);
    }

    [Fact]
    public void Biggest_aligned_block_is_cidr_aligned()
    {
        var r = new AddressRange(Address.Parse("10.0.0.100"), Address.Parse("10.0.1.0"));
        Assert.Equal(Cidr.Parse("10.0.0.128/25").Range, r.BiggestAlignedBlock());
        var whole = Cidr.Parse("10.32.0.0/12").Range;
        Assert.Equal(whole, whole.BiggestAlignedBlock());
    }

    [Fact]
    public void Peer_names_parse_and_format_like_macs()
    {
        var p = PeerName.Parse("01:00:00:02:00:00");
        Assert.Equal("01:00:00:02:00:00", p.ToString());
        Assert.Equal(TestPeers.P(1), p);
        Assert.Contains("six hex pairs", Assert.Throws<IpamFormatException>(() => PeerName.Parse("01:02")).Message);
        Assert.Contains("not a hex byte", Assert.Throws<IpamFormatException>(() => PeerName.Parse("zz:00:00:00:00:00")).Message);
    }
}
