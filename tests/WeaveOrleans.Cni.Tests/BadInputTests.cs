namespace WeaveOrleans.Cni.Tests;

/// <summary>Input a runtime or an operator gets wrong: one clear CNI error on stdout, a non-zero exit, nothing allocated.</summary>
[Collection(CniDaemonCollection.Name)]
public sealed class BadInputTests(CniDaemon daemon)
{
    private async Task AssertRefused(int code, string messagePart, Func<string, Task<PluginReply>> run)
    {
        CniTools.Dir();
        var network = CniTools.UniqueName("bad");
        var before = (await daemon.OwnedAsync()).Keys.ToHashSet();

        var reply = await run(network);

        Assert.Equal(code, reply.ErrorCode);
        Assert.Contains(messagePart, reply.Message, StringComparison.Ordinal);
        Assert.Single(reply.Process.Stdout.Trim().Split('\n'));
        Assert.Equal(before, (await daemon.OwnedAsync()).Keys.ToHashSet());
    }

    [SkippableFact]
    public Task Malformed_stdin_is_a_decode_error() =>
        AssertRefused(6, "not JSON", _ => PluginRunner.Run("ADD", """{"cniVersion":"1.0.0","name":"n",""", "ctr1", "eth0"));

    [SkippableFact]
    public Task Stdin_that_is_not_an_object_is_a_decode_error() =>
        AssertRefused(6, "not a JSON object", _ => PluginRunner.Run("ADD", "[1,2]", "ctr1", "eth0"));

    [SkippableFact]
    public Task Missing_cni_command_is_named() =>
        AssertRefused(4, "CNI_COMMAND", n => PluginRunner.Run("", PluginRunner.Config(n, daemon.Socket), "ctr1", "eth0"));

    [SkippableFact]
    public Task Missing_container_id_and_interface_are_named() =>
        AssertRefused(4, "CNI_CONTAINERID and CNI_IFNAME", n => PluginRunner.Run("ADD", PluginRunner.Config(n, daemon.Socket), containerId: null, ifName: null));

    [SkippableFact]
    public Task A_container_id_the_spec_forbids_is_refused() =>
        AssertRefused(4, "invalid CNI_CONTAINERID", n => PluginRunner.Run("ADD", PluginRunner.Config(n, daemon.Socket), "ctr:1", "eth0"));

    [SkippableFact]
    public Task An_unknown_command_is_named() =>
        AssertRefused(4, "unknown CNI_COMMAND \"ATTACH\"", n => PluginRunner.Run("ATTACH", PluginRunner.Config(n, daemon.Socket), "ctr1", "eth0"));

    [SkippableFact]
    public Task An_unsupported_version_is_incompatible() =>
        AssertRefused(1, "\"0.2.0\" is not supported", n => PluginRunner.Run("ADD", PluginRunner.Config(n, daemon.Socket, "0.2.0"), "ctr1", "eth0"));

    [SkippableFact]
    public Task A_missing_network_name_is_an_invalid_config() =>
        AssertRefused(7, "no \"name\"", _ => PluginRunner.Run("ADD", $$$"""{"cniVersion":"1.0.0","ipam":{"socket":"{{{daemon.Socket}}}"}}""", "ctr1", "eth0"));

    [SkippableFact]
    public Task A_relative_socket_is_an_invalid_config() =>
        AssertRefused(7, "\"socket\" must be the absolute path", n => PluginRunner.Run("ADD", PluginRunner.Config(n, "weave.sock"), "ctr1", "eth0"));

    [SkippableFact]
    public Task A_subnet_that_is_not_a_cidr_is_an_invalid_config() =>
        AssertRefused(7, "\"subnet\" must be an IPv4 CIDR", n => PluginRunner.Run("ADD", PluginRunner.Config(n, daemon.Socket, ipamExtra: ""","subnet":"10.87.1.5/24" """), "ctr1", "eth0"));

    [SkippableFact]
    public Task A_subnet_outside_the_range_is_refused_by_the_daemon() =>
        AssertRefused(101, "10.99.0.0/24", n => PluginRunner.Run("ADD", PluginRunner.Config(n, daemon.Socket, ipamExtra: ""","subnet":"10.99.0.0/24","timeoutSeconds":3"""), "ctr1", "eth0"));

    [SkippableFact]
    public async Task Gc_without_valid_attachments_releases_nothing()
    {
        var network = CniTools.UniqueName("bad");
        Assert.True((await PluginRunner.Run("ADD", PluginRunner.Config(network, daemon.Socket), "ctr1", "eth0")).Ok);

        var reply = await PluginRunner.Run("GC", PluginRunner.Config(network, daemon.Socket, "1.1.0"), containerId: null, ifName: null);

        Assert.Equal(7, reply.ErrorCode);
        Assert.Contains("cni.dev/valid-attachments", reply.Message, StringComparison.Ordinal);
        Assert.Equal([$"cni:{network}:ctr1:eth0"], (await daemon.OwnedOnAsync(network)).Keys);
    }
}
