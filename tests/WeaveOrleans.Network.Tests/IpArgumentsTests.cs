using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network.Tests;

public class IpArgumentsTests
{
    [Theory]
    [InlineData("10.32.0.5/12", "-4")]
    [InlineData("0.0.0.0/0", "-4")]
    [InlineData("2001:db8::5/64", "-6")]
    [InlineData("fd00::1/128", "-6")]
    public void The_family_flag_follows_the_address(string cidr, string flag) =>
        Assert.Equal(flag, IpArguments.FamilyFlag(Cidr.Parse(cidr)));

    [Fact]
    public void Adding_and_removing_name_the_family_and_the_canonical_address()
    {
        Assert.Equal(["-4", "addr", "add", "10.32.0.5/12", "dev", "ethwe"], IpArguments.AddAddress(Cidr.Parse("10.32.0.5/12"), "ethwe"));
        Assert.Equal(["-6", "addr", "del", "2001:db8::5/64", "dev", "weave"], IpArguments.DeleteAddress(Cidr.Parse("2001:DB8:0::5/64"), "weave"));
    }

    [Fact]
    public void Reading_asks_for_both_families()
    {
        var show = IpArguments.ShowAddresses("ethwe");
        Assert.DoesNotContain("-4", show);
        Assert.DoesNotContain("-6", show);
    }
}
