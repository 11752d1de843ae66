using System.Diagnostics;
using WeaveOrleans.Contract;

namespace WeaveOrleans.Cli.Tests;

/// <summary><c>weave connect</c>, <c>forget</c>, <c>version</c> and <c>status peers|connections|targets</c> against two launched daemons.</summary>
public sealed class RouterCommandTests
{
    [Fact]
    public async Task Connect_and_forget_change_the_targets_that_status_shows()
    {
        await using var x = await LaunchedDaemon.Start("10.254.0.0/24");
        await using var y = await LaunchedDaemon.Start("10.254.0.0/24", null,
            new DaemonLaunchOptions { ExtraLaunchArgs = ["--no-discovery", "--log-level", "debug"] });
        var target = $"127.0.0.1:{x.PeerPort}";

        var version = await x.Run("version");
        Assert.Equal((0, $"weave script {Contract.WeaveVersion.Current}\nweave {Contract.WeaveVersion.Current}\n"), (version.Code, version.Out));

        Assert.Equal((0, "", ""), await y.Run("connect", target));
        Assert.Equal((0, target + "\n", ""), await y.Run("status", "targets"));
        var clock = Stopwatch.StartNew();
        string connections;
        while (!(connections = (await y.Run("status", "connections")).Out).Contains("established", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"y never connected to x: {connections}");
            await Task.Delay(100);
        }
        Assert.StartsWith($"-> {target,-21} established none   {x.PeerName}(e2e) ", connections, StringComparison.Ordinal);
        var peers = await y.Run("status", "peers");
        Assert.StartsWith($"{y.PeerName}(e2e)\n   -> {target,-21} {x.PeerName}(e2e)", peers.Out, StringComparison.Ordinal);

        var status = await y.Run("status");
        Assert.Equal(0, status.Code);
        Assert.StartsWith("\n        Version: ", status.Out, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", status.Out, StringComparison.Ordinal);
        Assert.Contains("  PeerDiscovery: disabled\n        Targets: 1\n    Connections: 1 (1 established)\n", status.Out, StringComparison.Ordinal);

        // Bad input: one line, non-zero, nothing changed.
        var bad = await y.Run("connect", "127.0.0.1:notaport");
        Assert.Equal(1, bad.Code);
        Assert.Single(bad.Err.Trim().Split('\n'));
        Assert.Contains("notaport", bad.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await y.Run("connect")).Code);
        Assert.Equal((0, target + "\n", ""), await y.Run("status", "targets"));

        Assert.Equal((0, "", ""), await y.Run("forget", target));
        Assert.Equal((0, "", ""), await y.Run("status", "targets"));
        Assert.Contains("        Targets: 0\n", (await y.Run("status")).Out, StringComparison.Ordinal);
    }
}
