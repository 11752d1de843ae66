using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using WeaveOrleans.Grains;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// The engine's value types cross the grain interface through the surrogates in Grains.Abstractions:
/// what goes in comes out, through the serializer (another silo or client) and the copier (in process).
/// </summary>
public sealed class GrainBoundarySerializationTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private T RoundTrip<T>(T value)
    {
        var serializer = _services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    private T Copy<T>(T value) => _services.GetRequiredService<DeepCopier>().Copy(value)!;

    [Theory]
    [InlineData("10.2.3.7/24")]
    [InlineData("0.0.0.0/0")]
    [InlineData("fd00::1:2/64")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127")]
    public void A_cidr_keeps_its_address_host_bits_and_prefix(string text)
    {
        var cidr = Cidr.Parse(text);
        Assert.Equal(cidr, RoundTrip(cidr));
        Assert.Equal(cidr, Copy(cidr));
        Assert.Equal(cidr, RoundTrip<Cidr?>(cidr));
        Assert.Null(RoundTrip<Cidr?>(null));
        Assert.Equal(cidr.Address, RoundTrip(cidr.Address));
        Assert.Equal(text, RoundTrip(cidr).ToString());
    }

    [Fact]
    public void A_peer_name_keeps_its_48_bits()
    {
        var name = PeerName.Parse("fe:dc:ba:98:76:54");
        Assert.Equal(name, RoundTrip(name));
        Assert.Equal(name, Copy(name));
    }

    [Fact]
    public void Replies_and_owned_entries_carry_typed_addresses()
    {
        var reply = new IpamReply(IpamReplyKind.Ok, Cidr.Parse("10.0.0.5/8"), TakenOver: (UInt128)300, Heir: new PeerName(0x0A));
        Assert.Equal(reply, RoundTrip(reply));
        var entry = new OwnedEntry("c1", true, [Cidr.Parse("10.0.0.5/8"), Cidr.Parse("fd00::5/64")]);
        var back = RoundTrip(entry);
        Assert.Equal(("c1", true), (back.Ident, back.IsContainer));
        Assert.Equal(entry.Addresses, back.Addresses);
        Assert.Equal(entry.Addresses, Copy(entry).Addresses);
    }

    public void Dispose() => _services.Dispose();
}
