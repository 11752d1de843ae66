using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Tests.Allocation.Parts;

public class PendingRequestsTests
{
    [Fact]
    public void Retries_take_primes_then_claims_then_allocations()
    {
        var pending = new PendingRequests();
        var allocate = new PendingAllocate(1, "a", Cidr.Parse("10.0.0.0/24"), true);
        var claim = new PendingClaim(2, "b", Cidr.Parse("10.0.0.5/24"), true, false);
        var prime = new PendingPrime(3);
        pending.Add(allocate);
        pending.Add(claim);
        pending.Add(prime);
        Assert.Equal([prime, claim, allocate], pending.RetryOrder());
    }

    [Fact]
    public void RemoveWhere_takes_out_only_the_matches_in_arrival_order()
    {
        var pending = new PendingRequests();
        var a = new PendingAllocate(1, "c1", Cidr.Parse("10.0.0.0/24"), true);
        var b = new PendingAllocate(2, "c2", Cidr.Parse("10.0.0.0/24"), true);
        var c = new PendingClaim(3, "c1", Cidr.Parse("10.0.0.5/24"), true, false);
        pending.Add(a);
        pending.Add(b);
        pending.Add(c);
        Assert.Equal([a, c], pending.RemoveWhere(op => op.Ident == "c1"));
        Assert.Equal(1, pending.Count);
        Assert.True(pending.Contains(b));
    }
}
