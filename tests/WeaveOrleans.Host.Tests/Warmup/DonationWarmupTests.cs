using WeaveOrleans.Host.Warmup;

namespace WeaveOrleans.Host.Tests.Warmup;

public sealed class DonationWarmupTests
{
    [Fact]
    public async Task The_warm_up_ends_with_the_observer_holding_an_address_the_owner_donated()
    {
        // If the exchange stopped short of the donation (a message kind not delivered, a tick missing),
        // the first real donation would compile its code again while a peer waits.
        Assert.True(await DonationWarmup.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
