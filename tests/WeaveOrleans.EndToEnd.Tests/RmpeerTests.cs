using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary><c>weave rmpeer</c> of a host that died (Weave's test 335): the survivors take its ranges and allocate at once.</summary>
[Collection(ThreeHostCollection.Name)]
public sealed class RmpeerTests(ThreeHostLab lab, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task The_ranges_of_a_dead_host_are_taken_over_with_rmpeer_and_both_survivors_allocate()
    {
        await using var s = lab.Scenario("rmpeer", output);
        var (h1, h2, h3) = (s.Peers[0], s.Peers[1], s.Peers[2]);
        var dead = await h1.Launch();
        var c1 = await h1.Run();
        await h2.Launch(h1.Address);
        await h2.Ok("prime");
        await h3.Launch(h1.Address);
        await h3.Ok("prime");

        // The host dies, containers and all.
        h1.KillHard();
        Assert.True((await h1.Host.Docker("rm", "-f", c1)).Ok);

        var taken = await h2.Ok("rmpeer", dead);
        Assert.Matches($"^[1-9][0-9]* IPs taken over from {dead}\n$", taken);
        foreach (var survivor in new[] { h2, h3 })
        {
            var run = await survivor.Within(TimeSpan.FromSeconds(10), "run", "--timeout", "5", Peer.Image, "sleep", "3600");
            Assert.True(run.Ok, run.ToString());
        }
        await s.AssertNoAddressOnTwoHolders();

        // The dead host comes back with the state it had: the others hold its ranges now, and have handed
        // out addresses from them, so it must not allocate from them again.
        await h1.Launch(h2.Address);
        var comeback = await h1.Within(TimeSpan.FromSeconds(15), "run", "--timeout", "5", Peer.Image, "sleep", "3600");
        // Asked at once, before anyone waits for the hosts to meet: it has heard that its ranges were taken over.
        Assert.False(comeback.Ok, comeback.ToString());
        Assert.Contains("taken over with rmpeer", comeback.Err, StringComparison.Ordinal);
        foreach (var survivor in new[] { h2, h3 })
            await survivor.Run();
        await s.AssertNoAddressOnTwoHolders();
    }
}
