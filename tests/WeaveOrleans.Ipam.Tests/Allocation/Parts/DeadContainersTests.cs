using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class DeadContainersTests
{
    [Fact]
    public void Only_those_dead_longer_than_the_grace_period_expire()
    {
        var dead = new DeadContainers();
        dead.Died("early", TimeSpan.FromSeconds(1));
        dead.Died("late", TimeSpan.FromSeconds(9));
        Assert.Equal(["early"], dead.Expired(TimeSpan.FromSeconds(10), grace: TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_container_that_starts_again_is_forgotten()
    {
        var dead = new DeadContainers();
        dead.Died("c1", TimeSpan.Zero);
        dead.Forget("c1");
        Assert.False(dead.IsDead("c1"));
        Assert.Empty(dead.Expired(TimeSpan.FromHours(1), TimeSpan.Zero));
    }
}
