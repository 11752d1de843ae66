using System.Diagnostics;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// Two real daemons scraped by a real Prometheus (Debian's, started here on loopback): the new series
/// are queried back through its HTTP API and follow what the daemons do (allocate, donate, a peer killed).
/// </summary>
public sealed class PrometheusScrapeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(20);

    private readonly string workDir = Directory.CreateTempSubdirectory("weaver-prom-").FullName;
    private readonly List<DaemonProcess> daemons = [];
    private PrometheusServer? prometheus;

    /// <summary>Where Prometheus scrapes a daemon's /metrics: its status listener (the one place to change if that moves).</summary>
    /// <summary>The first daemon is scraped on its status listener, the others on their metrics listener: both serve /metrics.</summary>
    private string ScrapeTarget(DaemonProcess d) => $"127.0.0.1:{(d == daemons[0] ? d.StatusPort : d.MetricsPort)}";

    [SkippableFact]
    public async Task Prometheus_scrapes_capacity_connection_and_process_series_that_follow_the_daemons()
    {
        var binary = PrometheusServer.FindBinary(out var missing);
        Skip.If(binary is null, missing);
        var clock = Stopwatch.StartNew();
        var salt = Random.Shared.Next(0x10, 0xff);
        var a = new DaemonProcess($"7e:00:00:02:{salt:x2}:01", "prom1", workDir, "10.46.0.0/16", "consensus=1");
        var b = new DaemonProcess($"7e:00:00:02:{salt:x2}:02", "prom2", workDir, "10.46.0.0/16", "observer");
        daemons.AddRange([a, b]);
        a.Peers.Add(b.PeerAddress);
        b.Peers.Add(a.PeerAddress);
        foreach (var d in daemons)
            d.Start();
        var up = Task.WhenAll(daemons.Select(d => d.WaitForHttpAsync(StartTimeout)));
        prometheus = await PrometheusServer.StartAsync(binary!, workDir, daemons.Select(ScrapeTarget));
        await up;
        Log(clock, "daemons and prometheus up");
        var (atA, atB) = ($"instance=\"{ScrapeTarget(a)}\"", $"instance=\"{ScrapeTarget(b)}\"");

        // Allocate: a creates the ring and holds the whole range; the subnets it allocated in appear.
        await a.AllocateAsync("c1");
        await a.AllocateAsync("c2");
        await a.AllocateAsync("c3", "10.46.200.0/24");
        await Wait($"weave_ipam_subnet_allocated{{{atA},subnet=\"10.46.0.0/16\"}}", v => v == 2, "a's default subnet holds 2");
        await Wait($"weave_ipam_subnet_allocated{{{atA},subnet=\"10.46.200.0/24\"}}", v => v == 1, "a's /24 holds 1");
        Assert.Equal(256, await prometheus.ValueAsync($"weave_ipam_subnet_size{{{atA},subnet=\"10.46.200.0/24\"}}"));
        Assert.Equal(65536, await prometheus.ValueAsync($"weave_ipam_subnet_size{{{atA},subnet=\"10.46.0.0/16\"}}"));
        Assert.Equal(65536, await Wait($"weave_ipam_owned_addresses{{{atA},peer=\"{a.Name}\"}}", v => v == 65536, "a owns the range"));
        await Wait($"weave_ipam_free_addresses{{{atA},peer=\"{a.Name}\"}}", v => v == 65533, "a's free space less its 3 addresses");
        await Wait($"weave_connections{{{atA},state=\"established\"}}", v => v == 1, "a connected to b");
        await Wait($"weave_connections{{{atB},state=\"established\"}}", v => v == 1, "b connected to a");
        Log(clock, "allocations seen");

        // Donate: b's first allocation gets it space from a; both see the range split between them.
        await b.AllocateAsync("b1");
        var bShare = await Wait($"weave_ipam_owned_addresses{{{atA},peer=\"{b.Name}\"}}", v => v > 0, "a sees b's donated share");
        await Wait($"weave_ipam_owned_addresses{{{atA},peer=\"{a.Name}\"}}", v => v == 65536 - bShare, "a's share shrinks by the donation");
        await Wait($"weave_ipam_owned_addresses{{{atB},peer=\"{b.Name}\"}}", v => v == bShare, "b agrees on its share");
        await Wait($"weave_ipam_subnet_allocated{{{atB},subnet=\"10.46.0.0/16\"}}", v => v == 1, "b holds 1 in the default subnet");
        Log(clock, $"donation of {bShare} seen");

        // Kill b: a's connection ends, its dial target to b is failing, and b's share is unreachable.
        b.Kill();
        await Wait($"weave_connections{{{atA},state=\"established\"}}", v => v == 0, "a's connection to b gone");
        await Wait($"weave_connection_terminations_total{{{atA}}}", v => v >= 1, "a counts the termination");
        await Wait($"sum(weave_connections{{{atA},state=~\"failed|retrying|pending|connecting\"}})", v => v >= 1, "a keeps redialling b");
        await Wait($"weave_ipam_unreachable_count{{{atA}}}", v => v == 1, "b unreachable at a");
        await Wait($"up{{{atB}}}", v => v == 0, "b's scrape fails");
        Log(clock, "kill seen");

        // Process and runtime figures from the library's collectors.
        Assert.True(await prometheus.ValueAsync($"process_resident_memory_bytes{{{atA}}}") > 10 << 20);
        Assert.True(await prometheus.ValueAsync($"process_cpu_seconds_total{{{atA}}}") > 0);
        Assert.True(await prometheus.ValueAsync($"system_runtime_dotnet_thread_pool_thread_count{{{atA}}}") > 0);
        Log(clock, "done");
    }

    private Task<double> Wait(string promql, Func<double, bool> expected, string what) =>
        prometheus!.WaitForAsync(promql, expected, what, ScrapeTimeout);

    private void Log(Stopwatch clock, string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0}s {what}");

    public void Dispose()
    {
        if (prometheus is not null)
        {
            output.WriteLine($"--- prometheus log tail\n{prometheus.LogTail(10)}");
            prometheus.Dispose();
        }
        DaemonProcess.DisposeAll(daemons, workDir, output.WriteLine);
    }
}
