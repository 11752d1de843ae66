using Xunit.Abstractions;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>What <c>weave status</c> and its sub-commands say about a peer, its targets and its connections (Weave's test 700, less DNS and the version check).</summary>
[Collection(TwoHostCollection.Name)]
public sealed class StatusTests(TwoHostLab lab, ITestOutputHelper output)
{
    private const string Universe = "10.2.0.0/16";

    [SkippableFact]
    public async Task Status_shows_the_given_name_peers_subnet_targets_and_connections()
    {
        await using var s = lab.Scenario("status", output);
        var (h1, h2) = (s.Peers[0], s.Peers[1]);
        var launched = await Task.WhenAll(
            h1.Launch("--ipalloc-range", Universe, "--name", "8a:3e:3e:3e:3e:3e", "--nickname", "nicknamington"),
            h2.Launch("--ipalloc-range", Universe));
        Assert.Equal("8a:3e:3e:3e:3e:3e", launched[0]);

        Assert.Equal("8a:3e:3e:3e:3e:3e(nicknamington)", await h1.Status("Name"));
        Assert.Equal("1", await h1.Status("Peers"));
        Assert.Equal(Universe, await h1.Status("DefaultSubnet"));
        Assert.Contains("nicknamington", await h1.Ok("status", "peers"), StringComparison.Ordinal);
        await h1.Run();

        // A target nobody answers at (no route to it inside the lab, so nothing is sent anywhere).
        await h1.Ok("connect", "10.2.2.1");
        // Targets are kept as host:port (Weave lists them as given, here "10.2.2.1").
        Assert.Equal("10.2.2.1:6783\n", await h1.Ok("status", "targets"));
        await Poll.Until(async () => ConnectionAddresses(await h1.Ok("status", "connections")).SequenceEqual(["10.2.2.1:6783"]),
            TimeSpan.FromSeconds(10), "weave status connections lists the target 10.2.2.1:6783");

        await h1.Ok("connect", h2.Address);
        await Poll.Until(async () => (await h1.Status("Peers")).StartsWith("2 ", StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            "host1 counts host2 among its peers once connected");
        var connections = await h1.Ok("status", "connections");
        Assert.Contains(connections.Split('\n'), l => l.Contains($"{h2.Address}:6783", StringComparison.Ordinal) && l.Contains("established", StringComparison.Ordinal));
        Assert.Equal($"10.2.2.1:6783\n{h2.Address}:6783\n", await h1.Ok("status", "targets"));
        Assert.Equal("8a:3e:3e:3e:3e:3e(nicknamington)", await h1.Ok("report", "-f", "{{.Router.Name}}({{.Router.NickName}})"));
        Assert.Equal("2", await h1.Ok("report", "-f", "{{len .Router.Peers}}"));
        Assert.Equal(Universe, await h1.Ok("report", "-f", "{{.IPAM.DefaultSubnet}}"));
        await s.AssertNoAddressOnTwoHolders();
    }

    /// <summary>The address column of <c>weave status connections</c> (the second word of each line).</summary>
    private static IEnumerable<string> ConnectionAddresses(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
