using System.Collections;
using System.Diagnostics;

namespace WeaveOrleans.Host.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "weave-cli-tests", Guid.NewGuid().ToString("n"));

    public CommandLineTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LaunchSettings Resolve(string[] args, IDictionary? env = null)
    {
        var cli = new WeaverCommandLine();
        var parsed = cli.Root.Parse(args);
        Assert.Empty(parsed.Errors);
        return LaunchSettings.Resolve(parsed, cli, env ?? new Hashtable(), _dir);
    }

    [Fact]
    public void Weave_flag_names_are_read()
    {
        var s = Resolve([
            "--name", "02:aa:bb:cc:dd:ee", "--nickname", "n1", "--iprange", "10.9.0.0/16",
            "--ipalloc-default-subnet", "10.9.1.0/24", "-initpeercount", "3", "--port", "7000",
            "--http-addr", "127.0.0.1:7001", "--status-addr", "127.0.0.1:7002", "--data-dir", _dir,
            "--silo-port", "7003", "--gateway-port", "7004", "--bridge", "weave2", "10.0.0.2", "10.0.0.3:7777"]);
        Assert.Equal("02:aa:bb:cc:dd:ee", s.Host.PeerName.ToString());
        Assert.Equal("10.9.0.0/16", s.Host.Range.ToString());
        Assert.Equal("10.9.1.0/24", s.Host.DefaultSubnet.ToString());
        Assert.Equal(3, s.Host.InitPeerCount);
        Assert.Equal(["10.0.0.2:6783", "10.0.0.3:7777"], s.Host.Peers);
        Assert.Equal(7000, s.Host.ListenPort);
        Assert.Equal((7003, 7004), (s.SiloPort, s.GatewayPort));
        Assert.Equal("weave-02aabbccddee", s.ClusterId);
        Assert.Equal("weave2", s.Bridge);
        Assert.Equal("weave", Resolve(["--data-dir", _dir]).Bridge);
        Assert.Equal("consensus (quorum 2)", s.Host.ToAllocatorConfig().Init.ToString());
    }

    [Fact]
    public void Command_line_beats_environment_beats_settings_file()
    {
        var file = Path.Combine(_dir, "w.json");
        File.WriteAllText(file, """
            { // comments allowed
              "ipalloc-range": "10.1.0.0/16", "nickname": "from-file", "port": 6000, "peers": ["p1", "p2:1"],
              "password": "file-secret"
            }
            """);
        var env = new Hashtable { ["WEAVE_NICKNAME"] = "from-env", ["WEAVE_PASSWORD"] = "env-secret", ["WEAVE_PORT"] = "6001" };
        var s = Resolve(["--config", file, "--data-dir", _dir, "--port", "6002"], env);
        Assert.Equal("10.1.0.0/16", s.Host.Range.ToString());
        Assert.Equal("from-env", s.Host.Nickname);
        Assert.Equal("env-secret", s.Host.Password);
        Assert.Equal(6002, s.Host.ListenPort);
        Assert.Equal(["p1:6783", "p2:1"], s.Host.Peers);
    }

    [Fact]
    public void A_generated_peer_name_is_kept_in_the_data_dir()
    {
        var first = Resolve(["--data-dir", _dir]).Host.PeerName;
        var second = Resolve(["--data-dir", _dir]).Host.PeerName;
        Assert.Equal(first, second);
        Assert.Equal(0x02UL, (first.Value >> 40) & 0x03UL); // locally administered, not multicast
    }

    [Theory]
    [InlineData("--ipalloc-range", "10.0.0.1/8", "host bits")]
    [InlineData("--ipalloc-range", "banana", "--ipalloc-range")]
    [InlineData("--ipalloc-init", "sometimes", "--ipalloc-init")]
    [InlineData("-initpeercount", "zero", "-initpeercount")]
    [InlineData("--storage", "mysql", "--storage")]
    [InlineData("--http-addr", "localhost", "--http-addr")]
    [InlineData("--bridge", "a-bridge-name-too-long", "--bridge")]
    public void Bad_input_is_one_clear_message(string flag, string value, string expected)
    {
        var e = Assert.Throws<LaunchException>(() => Resolve([flag, value, "--data-dir", _dir]));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task The_daemon_exits_with_code_2_and_one_line_on_bad_input()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "weaver.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        foreach (var arg in new[] { dll, "--ipalloc-range", "10.0.0.0/99", "--data-dir", _dir })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("weaver: invalid --ipalloc-range", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
