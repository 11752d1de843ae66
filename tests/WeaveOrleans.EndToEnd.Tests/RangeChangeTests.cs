using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>A relaunch with another --ipalloc-range (Weave's test 362): the old allocations are dropped and the new range serves at once.</summary>
[Collection(OneHostCollection.Name)]
public sealed class RangeChangeTests(OneHostLab lab, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_relaunch_with_another_range_drops_the_old_data_and_allocates_from_the_new_range()
    {
        await using var s = lab.Scenario("range-change", output);
        var h1 = s.Peers[0];
        await h1.Launch("--ipalloc-range", "10.2.0.0/16");
        await h1.Ok("prime");
        // A container that keeps its address from the old range while the daemon is relaunched.
        var old = await h1.Run();
        var oldAddress = await h1.AddressOf(old);
        Assert.StartsWith("10.2.", oldAddress, StringComparison.Ordinal);
        await h1.Ok("stop");

        await h1.Launch("--ipalloc-range", "10.3.0.0/16");
        var run = await h1.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "10", Peer.Image, "sleep", "3600");
        Assert.True(run.Ok, run.ToString());
        Assert.StartsWith("10.3.", await h1.AddressOf(run.Out.Trim()), StringComparison.Ordinal);
        Assert.Equal("10.3.0.0/16", await h1.Status("Range"));
        Assert.Equal(oldAddress, await h1.AddressOf(old));
        Assert.Contains("Deleting persisted data for IPAM range 10.2.0.0/16", h1.Log(), StringComparison.Ordinal);
        await s.AssertNoAddressOnTwoHolders();
    }
}
