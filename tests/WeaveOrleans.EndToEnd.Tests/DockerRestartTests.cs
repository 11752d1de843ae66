using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// A container Docker starts again after Docker itself restarted (Weave's test 310), while the
/// daemon's event stream was down: it keeps its address, past the grace period of dead containers.
/// </summary>
[Collection(OneHostCollection.Name)]
public sealed class DockerRestartTests(OneHostLab lab, ITestOutputHelper output)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task A_container_restarted_by_docker_keeps_its_address_past_the_grace_period()
    {
        await using var s = lab.Scenario("docker-restart", output);
        var h1 = s.Peers[0];
        await h1.Launch("--container-grace", Grace.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var created = await h1.Host.Docker("run", "-d", "--restart=always", "--network", "none", Peer.Image, "sleep", "3600");
        Assert.True(created.Ok, created.ToString());
        var c2 = created.Out.Trim();
        await h1.Ok("attach", c2);
        var c2Address = await h1.AddressOf(c2);

        await h1.Host.RestartDocker();
        await Poll.Until(async () => (await h1.Host.Docker("inspect", "-f", "{{.State.Running}}", c2)).Out.Trim() == "true",
            TimeSpan.FromSeconds(30), "docker starts the restart=always container again");

        // Past the grace period counted from its death (before the restart), the address must still be its own:
        // a new container does not get it (it would, being the lowest free one), and attaching the container's
        // new network namespace again gives it back.
        await Poll.Throughout(async () => (await h1.Weave("status")).Ok, Grace * 1.5, "the daemon serves through the grace period");
        var c3 = await h1.Run();
        Assert.NotEqual(c2Address, await h1.AddressOf(c3));
        await h1.Ok("attach", c2);
        Assert.Equal(c2Address, await h1.AddressOf(c2));
        await s.AssertNoAddressOnTwoHolders();
    }
}
