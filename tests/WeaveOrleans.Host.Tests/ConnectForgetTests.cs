using System.Net;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// Weave's <c>POST /connect</c> and <c>POST /forget</c> on real daemons: peers added and removed at
/// run time, sent as Weave's Go client sends them (a form body), shown by <c>/status/targets</c>,
/// <c>/status/connections</c> and <c>/status/peers</c>, and kept across a SIGKILL and restart.
/// </summary>
public sealed class ConnectForgetTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    private readonly string _workDir = Directory.CreateTempSubdirectory("weaver-connect-").FullName;
    private readonly List<DaemonProcess> _daemons = [];

    [Fact]
    public async Task Peers_connected_and_forgotten_at_run_time_are_the_targets_and_survive_a_restart()
    {
        var salt = Random.Shared.Next(0x10, 0xff);
        DaemonProcess Daemon(int i, params string[] extra)
        {
            var d = new DaemonProcess($"7e:00:00:01:{salt:x2}:{i:x2}", $"conn{i}", _workDir, "10.45.0.0/16", "consensus=3", extra);
            _daemons.Add(d);
            return d;
        }
        var a = Daemon(1);
        var b = Daemon(2);
        var c = Daemon(3, "--no-discovery");
        foreach (var d in _daemons)
            d.Start();
        await Task.WhenAll(_daemons.Select(d => d.WaitForHttpAsync(StartTimeout)));
        Assert.Equal("", await b.GetTextAsync("status/targets"));
        Assert.Contains("        Targets: 0\n", await b.GetTextAsync("status"), StringComparison.Ordinal);

        // Form body, as api.Connect sends it: 200 with an empty body, then the connection comes up.
        Assert.Equal((HttpStatusCode.OK, ""), await Post(b, "connect", ("peer", a.PeerAddress)));
        Assert.Equal(a.PeerAddress + "\n", await b.GetTextAsync("status/targets"));
        await UntilEstablished(b, a);
        var connections = await b.GetTextAsync("status/connections");
        output.WriteLine($"b /status/connections:\n{connections}");
        Assert.Contains($"-> {a.PeerAddress,-21} {"established",-11} none   {a.Name}({a.Nickname}) \n", connections, StringComparison.Ordinal);
        var peers = await b.GetTextAsync("status/peers");
        output.WriteLine($"b /status/peers:\n{peers}");
        Assert.StartsWith($"{b.Name}({b.Nickname})\n   -> {a.PeerAddress,-21} {$"{a.Name}({a.Nickname})",-37} established\n", peers, StringComparison.Ordinal);
        var status = await b.GetTextAsync("status");
        output.WriteLine($"b /status:\n{status}");
        Assert.Contains("        Targets: 1\n    Connections: 1 (1 established)\n          Peers: 2 (with 1 established connections)\n", status, StringComparison.Ordinal);
        Assert.Contains("  PeerDiscovery: enabled\n", status, StringComparison.Ordinal);
        Assert.Contains($"<- ", await a.GetTextAsync("status/connections"), StringComparison.Ordinal);

        // One bad peer among good ones: 400 with one line, and nothing is added.
        var (code, body) = await Post(b, "connect", ("peer", c.PeerAddress), ("peer", "127.0.0.1:notaport"));
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("notaport", body, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', body.TrimEnd());
        Assert.Equal(a.PeerAddress + "\n", await b.GetTextAsync("status/targets"));

        // --no-discovery: c dials what it is given and says so.
        Assert.Equal((HttpStatusCode.OK, ""), await Post(c, "connect", ("peer", a.PeerAddress)));
        await UntilEstablished(c, a);
        Assert.Contains("  PeerDiscovery: disabled\n", await c.GetTextAsync("status"), StringComparison.Ordinal);

        // SIGKILL and a restart that names no peers: the stored targets are dialled again.
        b.Kill();
        b.Start();
        await b.WaitForHttpAsync(StartTimeout);
        Assert.Equal(a.PeerAddress + "\n", await b.GetTextAsync("status/targets"));
        await UntilEstablished(b, a);

        // replace=true: the new set replaces the old one (the query works as well as a body).
        Assert.Equal((HttpStatusCode.OK, ""), await Post(b, $"connect?replace=true&peer={Uri.EscapeDataString(c.PeerAddress)}"));
        Assert.Equal(c.PeerAddress + "\n", await b.GetTextAsync("status/targets"));
        await UntilEstablished(b, c);

        // forget: the target goes (by host:port), the stored list with it; the live connection stays, as in Weave.
        Assert.Equal((HttpStatusCode.OK, ""), await Post(b, "forget", ("peer", c.PeerAddress)));
        Assert.Equal("", await b.GetTextAsync("status/targets"));
        Assert.Contains($"-> {c.PeerAddress,-21} established", await b.GetTextAsync("status/connections"), StringComparison.Ordinal);
        Assert.Equal("[]", File.ReadAllText(Path.Combine(b.DataDir, "targets.json")));
        b.Kill();
        b.Start();
        await b.WaitForHttpAsync(StartTimeout);
        Assert.Equal("", await b.GetTextAsync("status/targets"));
    }

    private static async Task UntilEstablished(DaemonProcess from, DaemonProcess to) =>
        await DaemonProcess.PollAsync(async () =>
            (await from.GetTextAsync("status/connections")).Contains($"{to.Name}({to.Nickname})", StringComparison.Ordinal),
            ConnectTimeout, $"{from.Nickname} connected to {to.Nickname}");

    private static async Task<(HttpStatusCode, string)> Post(DaemonProcess daemon, string path, params (string Key, string Value)[] form)
    {
        using var content = form.Length == 0 ? null : new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        using var reply = await daemon.Http.PostAsync(path, content);
        return (reply.StatusCode, await reply.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        DaemonProcess.DisposeAll(_daemons, _workDir, output.WriteLine);
    }
}
