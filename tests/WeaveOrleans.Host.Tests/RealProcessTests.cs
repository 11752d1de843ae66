using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// End-to-end over real processes and sockets: three <c>weaver</c> daemons on loopback, allocation
/// through their HTTP APIs, SIGKILL and restart on the same data directory, SIGKILL for good and rmpeer.
/// </summary>
public sealed partial class RealProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan GossipTimeout = TimeSpan.FromSeconds(20);

    private readonly string workDir = Directory.CreateTempSubdirectory("weaver-real-").FullName;
    private readonly List<DaemonProcess> daemons = [];

    [Fact]
    public async Task Three_daemons_allocate_survive_kill9_and_rmpeer_a_dead_one()
    {
        var clock = Stopwatch.StartNew();
        var salt = Random.Shared.Next(0x10, 0xff);
        for (var i = 0; i < 3; i++)
            daemons.Add(new DaemonProcess($"7e:00:00:00:{salt:x2}:{i + 1:x2}", $"real{i + 1}", workDir, "10.44.0.0/16", "consensus=3"));
        foreach (var d in daemons)
            d.Peers.AddRange(daemons.Where(o => o != d).Select(o => o.PeerAddress));
        var (a, b, c) = (daemons[0], daemons[1], daemons[2]);

        foreach (var d in daemons)
            d.Start();
        await Task.WhenAll(daemons.Select(d => d.WaitForHttpAsync(StartTimeout)));
        Log(clock, "all three HTTP APIs up");

        // Consensus runs on demand (as in Weave): the first allocation creates the ring.
        await Task.WhenAll(daemons.Select(d => d.AllocateAsync($"first-{d.Nickname}")));
        await DaemonProcess.PollAsync(async () =>
        {
            var all = await Task.WhenAll(daemons.Select(d => d.IpamLinesAsync()));
            return all.All(lines => lines.Length == 3);
        }, GossipTimeout, "every daemon lists 3 peers in /status/ipam");
        Log(clock, "ring of 3 formed");

        // 20 allocations through each daemon, the three daemons concurrently.
        var acked = new Dictionary<DaemonProcess, Dictionary<string, string>>();
        var results = await Task.WhenAll(daemons.Select(async d =>
        {
            var mine = new Dictionary<string, string>();
            for (var i = 0; i < 20; i++)
            {
                var id = $"{d.Nickname}-c{i:00}";
                mine[id] = await d.AllocateAsync(id);
            }
            return (d, mine);
        }));
        foreach (var (d, mine) in results)
            acked[d] = mine;
        var addresses = acked.Values.SelectMany(m => m.Values).ToList();
        Assert.Equal(60, addresses.Count);
        Assert.All(addresses, cidr => Assert.Matches(@"^10\.44\.\d+\.\d+/16$", cidr));
        AssertDistinct(addresses, "the 60 allocations");
        Log(clock, "60 distinct allocations");

        // SIGKILL b and restart it on the same data directory and ports.
        b.Kill();
        Log(clock, "b killed");
        b.Start();
        await b.WaitForHttpAsync(StartTimeout);
        Log(clock, "b restarted");
        foreach (var (id, cidr) in acked[b])
            Assert.Equal(cidr, (await b.GetTextAsync($"ip/{id}")).Trim());
        var afterRestart = new List<string>();
        for (var i = 0; i < 10; i++)
            afterRestart.Add(await b.AllocateAsync($"{b.Nickname}-after-{i}"));
        foreach (var d in new[] { a, c })
            afterRestart.Add(await d.AllocateAsync($"{d.Nickname}-after-restart"));
        AssertDistinct([.. addresses, .. afterRestart], "allocations before and after the restart");
        await DaemonProcess.PollAsync(async () => (await b.IpamLinesAsync()).Length == 3, GossipTimeout, "b lists 3 peers after restart");
        Log(clock, "b kept its allocations; new ones do not collide");

        // SIGKILL c for good; a takes over its ranges.
        c.Kill();
        Log(clock, "c killed for good");
        // Weave refuses to rmpeer a peer it is still connected to; wait until a has seen c go.
        await DaemonProcess.PollAsync(async () => !(await a.GetTextAsync("status")).Contains("2 established", StringComparison.Ordinal),
            GossipTimeout, "a notices c's connection is gone");
        using (var reply = await a.Http.DeleteAsync($"peer/{Uri.EscapeDataString(c.Name)}"))
        {
            var text = await reply.Content.ReadAsStringAsync();
            Assert.True(reply.IsSuccessStatusCode, $"rmpeer: {(int)reply.StatusCode} {text}");
            var m = TakenOver().Match(text);
            Assert.True(m.Success, $"rmpeer answered \"{text}\"");
            Assert.True(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, text);
            Log(clock, $"rmpeer: {text.Trim()}");
        }
        Assert.DoesNotContain(await a.IpamLinesAsync(), l => l.StartsWith(c.Name, StringComparison.OrdinalIgnoreCase));
        await DaemonProcess.PollAsync(async () =>
            !(await b.IpamLinesAsync()).Any(l => l.StartsWith(c.Name, StringComparison.OrdinalIgnoreCase)),
            GossipTimeout, "b's /status/ipam drops c after gossip");
        Assert.Equal(2, (await a.IpamLinesAsync()).Length);
        Assert.Equal(2, (await b.IpamLinesAsync()).Length);
        var survivorsAgain = new[] { await a.AllocateAsync("a-after-rmpeer"), await b.AllocateAsync("b-after-rmpeer") };
        AssertDistinct([.. addresses.Except(acked[c].Values), .. afterRestart, .. survivorsAgain], "allocations after rmpeer");
        Log(clock, "done");
    }

    private static void AssertDistinct(IReadOnlyCollection<string> addresses, string what)
    {
        var repeats = addresses.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeats.Count == 0, $"{what}: repeated {string.Join(", ", repeats)}");
    }

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

    [GeneratedRegex(@"^(\d+) IPs taken over from \S+")]
    private static partial Regex TakenOver();

    public void Dispose()
    {
        DaemonProcess.DisposeAll(daemons, workDir, output.WriteLine);
    }
}
