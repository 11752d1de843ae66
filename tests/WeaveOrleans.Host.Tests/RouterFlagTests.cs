using System.Collections;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Host.Gossip;

namespace WeaveOrleans.Host.Tests;

/// <summary>--no-discovery, --log-level, short peer names, and which peers a start dials (given, or stored by connect and forget).</summary>
public sealed class RouterFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weave-router-flags-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LaunchSettings Resolve(params string[] args)
    {
        var cli = new WeaverCommandLine();
        var parsed = cli.Root.Parse(["--data-dir", _dir, .. args]);
        Assert.Empty(parsed.Errors);
        return LaunchSettings.Resolve(parsed, cli, new Hashtable(), _dir);
    }

    private string Refused(params string[] args) => Assert.Throws<LaunchException>(() => Resolve(args)).Message;

    [Fact]
    public void No_discovery_and_log_level_are_read_and_bad_levels_refused()
    {
        Assert.True(Resolve().Host.PeerDiscovery);
        Assert.False(Resolve("--no-discovery").Host.PeerDiscovery);
        Assert.Equal(LogLevel.Information, Resolve().LogLevel);
        Assert.Equal(LogLevel.Debug, Resolve("--log-level", "debug").LogLevel);
        Assert.Equal(LogLevel.Warning, Resolve("--log-level", "WARNING").LogLevel);
        Assert.Equal(LogLevel.Warning, Resolve("--log-level", "warn").LogLevel);
        Assert.Equal(LogLevel.Error, Resolve("--log-level", "error").LogLevel);
        Assert.Equal("invalid --log-level \"loud\": expected debug, info, warning or error", Refused("--log-level", "loud"));
    }

    [Fact]
    public void Conn_limit_is_read_defaults_to_Weaves_and_bad_values_are_refused()
    {
        Assert.Equal(200, Resolve().Host.ConnectionLimit);
        Assert.Equal(3, Resolve("--conn-limit", "3").Host.ConnectionLimit);
        Assert.Equal(0, Resolve("--conn-limit", "0").Host.ConnectionLimit);
        Assert.Equal("invalid --conn-limit \"100001\": expected a whole number from 0 to 100000", Refused("--conn-limit", "100001"));
        Assert.Equal("invalid --conn-limit \"many\": expected a whole number from 0 to 100000", Refused("--conn-limit", "many"));
    }

    [Fact]
    public void A_short_peer_name_is_Weaves_expansion()
    {
        Assert.Equal("00:00:00:00:00:01", Resolve("--name", "::1").Host.PeerName.ToString());
        Assert.Equal("0a:0b:00:00:00:0f", Resolve("--name", "a:b::f").Host.PeerName.ToString());
        Assert.StartsWith("invalid --name: invalid peer name \"1:2:3\"", Refused("--name", "1:2:3"), StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_targets_are_dialled_when_a_start_names_no_peers_or_resumes()
    {
        Assert.Empty(Resolve().Host.Peers);
        TargetsFile.Save(_dir, ["10.0.0.2:6783", "host3:7000"]);
        Assert.Equal(["10.0.0.2:6783", "host3:7000"], Resolve().Host.Peers);
        Assert.Equal(["10.0.0.2:6783", "host3:7000"], Resolve("--resume").Host.Peers);
        // Peers on the command line win, as a fresh weave launch's do.
        Assert.Equal(["10.0.0.9:6783"], Resolve("10.0.0.9").Host.Peers);
        Assert.Equal("you must not give peers together with --resume", Refused("--resume", "10.0.0.9"));
        // The quorum counts the peers dialled.
        Assert.Equal("consensus (quorum 2)", Resolve().Host.ToAllocatorConfig().Init.ToString());
    }

    [Fact]
    public void The_targets_file_is_replaced_whole()
    {
        TargetsFile.Save(_dir, ["a:1", "b:2"]);
        TargetsFile.Save(_dir, ["c:3"]);
        Assert.Equal(["c:3"], TargetsFile.Load(_dir));
        Assert.False(File.Exists(Path.Combine(_dir, TargetsFile.FileName + ".tmp")));
        File.WriteAllText(Path.Combine(_dir, TargetsFile.FileName), "{not json");
        Assert.Contains("cannot read the stored peers", Refused(), StringComparison.Ordinal);
    }
}
