using WeaveOrleans.Host.Tests.Nemesis;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>Weave's router restart policy (its test 090): a daemon that dies is started again, unless launched with --no-restart.</summary>
[Collection(OneHostCollection.Name)]
public sealed class RestartPolicyTests(OneHostLab lab, Xunit.Abstractions.ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_killed_daemon_is_restarted_by_its_supervisor_but_not_after_launch_with_no_restart()
    {
        await using var s = lab.Scenario("restart", output);
        var h1 = s.Peers[0];
        var name = await h1.Launch();
        var first = h1.DaemonPid!.Value;
        Assert.NotNull(h1.SupervisorPid);

        Shell.Signal(first, "KILL");
        await Poll.Until(async () => h1.DaemonPid is { } pid && pid != first && Peer.Alive(pid) && (await h1.Weave("status")).Ok,
            TimeSpan.FromSeconds(30), "the supervisor starts the killed daemon again and it answers weave status");
        Assert.Contains($"Name: {name}(", await h1.Ok("status"), StringComparison.Ordinal);

        await h1.Ok("stop");
        Assert.False((await h1.Weave("status")).Ok);
        await h1.Launch("--no-restart");
        Assert.Null(h1.SupervisorPid);
        var alone = h1.DaemonPid!.Value;

        Shell.Signal(alone, "KILL");
        await Poll.Until(() => Task.FromResult(!Peer.Alive(alone)), TimeSpan.FromSeconds(10), "the daemon dies of kill -9");
        // Past the supervisor's first back-off (1 s): nothing may bring it back.
        await Poll.Throughout(async () => !(await h1.Weave("status")).Ok, TimeSpan.FromSeconds(3), "no daemon answers after kill -9 of a --no-restart launch");

        // A daemon that died leaves its PID file behind; launching again must not take it for a live one.
        Assert.Equal(name, await h1.Launch("--no-restart"));
        await s.AssertNoAddressOnTwoHolders();
    }
}
