using WeaveOrleans.Grains;
using WeaveOrleans.Host.Warmup;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Pools;

namespace WeaveOrleans.Host.Tests.Warmup;

public sealed class GrainCallWarmupTests
{
    [Fact]
    public async Task The_refused_allocation_is_answered_and_leaves_what_the_allocator_holds_as_it_was()
    {
        await using var net = new TestNetwork();
        var host = await net.StartAsync("gw", "10.66.0.0/24", "consensus=1");
        await host.AllocateAsync("gw-held");
        var before = await host.StatusAsync();

        Assert.True(await GrainCallWarmup.RunAsync(host.Cluster.Client, AllocatorKey.For(PoolId.Default, host.Name), Cidr.Parse("10.66.0.0/24"), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20)));

        var after = await host.StatusAsync();
        Assert.Equal(["gw-held"], (await host.Grain.ListAll()).Select(e => e.Ident));
        Assert.Equal(before.ActiveIPs, after.ActiveIPs);
        Assert.Equal(Poll.Ring(before), Poll.Ring(after));
    }

    [Theory]
    [InlineData("10.32.0.0/12", "0.0.0.0/30")]
    [InlineData("0.0.0.0/8", "255.255.255.252/30")]
    [InlineData("0.0.0.0/0", null)]
    public void The_subnet_it_asks_in_lies_outside_the_range(string range, string? expected) =>
        Assert.Equal(expected, GrainCallWarmup.SubnetOutside(Cidr.Parse(range))?.ToString());
}
