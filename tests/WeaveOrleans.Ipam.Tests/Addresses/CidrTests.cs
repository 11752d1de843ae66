using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Tests.Addresses;

public class CidrTests
{
    [Fact]
    public void A_subnet_knows_its_range_and_host_range()
    {
        var c = Cidr.ParseSubnet("10.2.3.0/24");
        Assert.Equal("10.2.3.0/24", c.ToString());
        Assert.Equal((UInt128)256, c.Size);
        Assert.Equal(Address.Parse("10.2.3.1"), c.HostRange.Start);
        Assert.Equal(Address.Parse("10.2.3.255"), c.HostRange.End);
        Assert.Equal((UInt128)254, c.HostRange.Size);
    }

    [Theory]
    [InlineData("10.2.3.0/33", "prefix length 33 is larger than 32")]
    [InlineData("10.2.3.256/24", "256 is larger than 255")]
    [InlineData("abc", "missing /prefix-length")]
    [InlineData("abc/24", "invalid IP address \"abc\"")]
    [InlineData("10.2.3.0/x", "prefix length \"x\" is not a number")]
    public void Bad_cidrs_are_refused_with_the_problem_named(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<IpamFormatException>(() => Cidr.Parse(text)).Message);

    [Fact]
    public void A_subnet_with_host_bits_is_refused_where_a_subnet_is_required()
    {
        Assert.Equal(Address.Parse("10.2.3.1"), Cidr.Parse("10.2.3.1/24").Address);
        var e = Assert.Throws<IpamFormatException>(() => Cidr.ParseSubnet("10.2.3.1/24"));
        Assert.Contains("host bits set", e.Message);
        Assert.Contains("10.2.3.0/24", e.Message);
    }

    [Theory]
    [InlineData("10.2.3.0/31")]
    [InlineData("10.2.3.0/32")]
    public void A_subnet_too_small_to_allocate_in_is_refused(string text) =>
        Assert.Contains("at least 4", Assert.Throws<IpamFormatException>(() => Cidr.ParseSubnet(text)).Message);

    [Fact]
    public void A_slash_30_is_the_smallest_usable_subnet() =>
        Assert.Equal((UInt128)2, Cidr.ParseSubnet("10.2.3.0/30").HostRange.Size);
}
