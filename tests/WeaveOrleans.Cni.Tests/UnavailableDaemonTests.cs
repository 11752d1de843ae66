using System.Diagnostics;

namespace WeaveOrleans.Cni.Tests;

/// <summary>No daemon on the socket: ADD says try again later (11), STATUS not available (50).</summary>
public sealed class DaemonDownTests
{
    private static readonly string Socket = Path.Combine(Path.GetTempPath(), CniTools.UniqueName("wcni-none-") + ".sock");

    [SkippableFact]
    public async Task Add_answers_try_again_later()
    {
        var reply = await PluginRunner.Run("ADD", PluginRunner.Config("net1", Socket), "ctr1", "eth0");
        Assert.Equal(11, reply.ErrorCode);
        Assert.Contains(Socket, reply.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Status_answers_not_available()
    {
        var reply = await PluginRunner.Run("STATUS", PluginRunner.Config("net1", Socket, "1.1.0"), containerId: null, ifName: null);
        Assert.Equal(50, reply.ErrorCode);
        Assert.Contains("cannot reach the WeaveOrleans daemon", reply.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Del_answers_try_again_later_rather_than_forget_the_address()
    {
        var reply = await PluginRunner.Run("DEL", PluginRunner.Config("net1", Socket), "ctr1", "eth0");
        Assert.Equal(11, reply.ErrorCode);
    }
}

/// <summary>A daemon still waiting for consensus: STATUS 50, and ADD 11 within its timeout rather than a wait with no end.</summary>
public sealed class RinglessDaemonTests(RinglessDaemon daemon) : IClassFixture<RinglessDaemon>
{
    [SkippableFact]
    public async Task Status_answers_not_available_until_there_is_a_ring()
    {
        var reply = await PluginRunner.Run("STATUS", PluginRunner.Config("net1", daemon.Socket, "1.1.0"), containerId: null, ifName: null);
        Assert.Equal(50, reply.ErrorCode);
        Assert.Contains("no ring yet", reply.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Add_answers_try_again_later_within_its_timeout()
    {
        var network = CniTools.UniqueName("net");
        var clock = Stopwatch.StartNew();
        var reply = await PluginRunner.Run("ADD", PluginRunner.Config(network, daemon.Socket, ipamExtra: ""","timeoutSeconds":1"""), "ctr1", "eth0",
            timeout: TimeSpan.FromSeconds(20));

        Assert.Equal(11, reply.ErrorCode);
        Assert.Contains("no ring yet", reply.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Empty(await daemon.OwnedOnAsync(network));
    }
}
