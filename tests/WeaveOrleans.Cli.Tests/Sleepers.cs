namespace WeaveOrleans.Cli.Tests;

/// <summary>Busybox containers that sleep, started with <c>weave run</c> on a test's bridge, and their removal.</summary>
internal static class Sleepers
{
    /// <summary><c>weave run</c> on <paramref name="bridge"/> with <paramref name="addresses"/> (none: net:default); returns its ID and the CIDRs <c>weave ps</c> shows for it.</summary>
    public static async Task<(string Id, string Address)> Run(LaunchedDaemon d, string bridge, List<string> started, params string[] addresses)
    {
        var run = await d.RunContainer(["--bridge", bridge, .. addresses, "busybox:weave", "sleep", "600"]);
        Assert.True(run.Code == 0, run.Err);
        var id = run.Out.Trim();
        started.Add(id);
        var address = await d.PsAddresses(id, bridge);
        Assert.False(address.Length == 0, $"weave ps does not list {id[..12]}");
        return (id, address);
    }

    /// <summary>Removes the containers and the bridge.</summary>
    public static async Task CleanUp(List<string> containers, string bridge)
    {
        foreach (var id in containers)
            await TestDocker.Docker("rm", "-f", id);
        await new Network.NetworkAttacher().DeleteBridge(bridge);
    }
}
