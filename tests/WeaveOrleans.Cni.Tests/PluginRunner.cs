using System.Text.Json;
using WeaveOrleans.TestSupport;

namespace WeaveOrleans.Cni.Tests;

/// <summary>What weave-ipam answered: its exit code and the CNI document it printed.</summary>
internal sealed record PluginReply(ChildResult Process)
{
    public bool Ok => Process.ExitCode == 0;

    public JsonElement Json => JsonDocument.Parse(Process.Stdout).RootElement;

    /// <summary>The CNI error code of a failure (asserting that it is a well-formed CNI error on stdout).</summary>
    public int ErrorCode
    {
        get
        {
            Assert.True(Process.ExitCode != 0, $"expected a failure: {Process}");
            var json = Json;
            Assert.True(json.TryGetProperty("cniVersion", out _), $"no cniVersion in the error: {Process.Stdout}");
            Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("msg").GetString()), $"no msg in the error: {Process.Stdout}");
            Assert.DoesNotContain("   at ", Process.Stdout + Process.Stderr, StringComparison.Ordinal);
            return json.GetProperty("code").GetInt32();
        }
    }

    public string Message => Json.GetProperty("msg").GetString()!;

    /// <summary>The address of a successful ADD's single IP, in CIDR form.</summary>
    public string Address
    {
        get
        {
            Assert.True(Ok, $"ADD failed: {Process}");
            return Assert.Single(Json.GetProperty("ips").EnumerateArray()).GetProperty("address").GetString()!;
        }
    }

    public override string ToString() => Process.ToString();
}

/// <summary>Runs the weave-ipam plugin directly, as a runtime (or a delegating plugin) execs it.</summary>
internal static class PluginRunner
{
    public static async Task<PluginReply> Run(string command, string stdin, string? containerId = "c1", string? ifName = "eth0",
        string? netns = "/var/run/netns/unused", TimeSpan? timeout = null)
    {
        var env = new Dictionary<string, string?> { ["CNI_PATH"] = CniTools.Dir() };
        if (command.Length > 0)
            env["CNI_COMMAND"] = command;
        if (containerId is not null)
            env["CNI_CONTAINERID"] = containerId;
        if (ifName is not null)
            env["CNI_IFNAME"] = ifName;
        if (netns is not null)
            env["CNI_NETNS"] = netns;
        return new PluginReply(await ProcessRun.Run(CniTools.Plugin, [], stdin, env, timeout));
    }

    /// <summary>A network configuration with weave-ipam as its IPAM plugin; <paramref name="ipamExtra"/> is spliced into the ipam object.</summary>
    public static string Config(string network, string socket, string cniVersion = "1.0.0", string ipamExtra = "", string topExtra = "") =>
        $$$"""{"cniVersion":"{{{cniVersion}}}","name":"{{{network}}}","type":"bridge"{{{topExtra}}},"ipam":{"type":"weave-ipam","socket":"{{{socket}}}"{{{ipamExtra}}}}}""";
}
