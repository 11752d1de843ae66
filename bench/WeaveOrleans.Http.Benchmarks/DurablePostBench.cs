using System.Diagnostics;
using WeaveOrleans.Host.Tests;

namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// Durable <c>POST /ip/{id}</c> (SQLite, synchronous=FULL: the row is on disk before the answer) with
/// 1 and 8 keep-alive clients, once the daemon already holds a given number of addresses. The disk's own
/// one-at-a-time sync rates (<see cref="FsyncRate"/>) are measured in the daemon's data directory just
/// before and after each measurement, and the 1-client rate is printed as a share of each.
/// </summary>
public static class DurablePostBench
{
    public static async Task RunAsync(IReadOnlyList<Variant> variants, IReadOnlyList<int> helds, int rounds, int count, string workDir, List<DaemonProcess> all)
    {
        Console.WriteLine();
        Console.WriteLine($"== Durable POST /ip/{{id}}: one daemon, consensus=1, SQLite; {count:N0} (1 client) and {8 * count:N0} (8 clients) new ids after filling; fsync rate of the data dir around each");
        foreach (var held in helds)
        {
            var rows = variants.ToDictionary(v => v, _ => new List<Row>());
            for (var round = 0; round < rounds; round++)
            {
                var order = round % 2 == 0 ? variants : variants.Reverse().ToList();
                foreach (var v in order)
                {
                    var row = await OneRun(v, held, count, workDir, all);
                    rows[v].Add(row);
                    Console.WriteLine($"  {held:N0} held, round {round + 1} {v.Label}: {row}");
                }
            }
            var baseline = variants[0];
            foreach (var v in variants)
            {
                var r = rows[v];
                var one = Stats.Median(r.Select(x => x.OneRate));
                var eight = Stats.Median(r.Select(x => x.EightRate));
                var share = Stats.Median(r.Select(x => x.OneRate / x.Fsync));
                var shareData = Stats.Median(r.Select(x => x.OneRate / x.Fdatasync));
                var vs = v == baseline ? "" : $"; vs {baseline.Label}: 1 client {one / Stats.Median(rows[baseline].Select(x => x.OneRate)):0.00}x, 8 clients {eight / Stats.Median(rows[baseline].Select(x => x.EightRate)):0.00}x";
                Console.WriteLine($"{v.Label}, {held:N0} held: 1 client {one:N0}/s = {share:P0} of the append+fsync rate, {shareData:P0} of the overwrite+fdatasync rate (p99 {Stats.Median(r.Select(x => x.OneP99)):0.00} ms, CPU {Stats.Median(r.Select(x => x.OneCpuUs)):0} µs/POST); " +
                    $"8 clients {eight:N0}/s (p99 {Stats.Median(r.Select(x => x.EightP99)):0.00} ms, CPU {Stats.Median(r.Select(x => x.EightCpuUs)):0} µs/POST); append+fsync {Stats.Median(r.Select(x => x.Fsync)):N0}/s, overwrite+fdatasync {Stats.Median(r.Select(x => x.Fdatasync)):N0}/s{vs}");
            }
        }
    }

    private static async Task<Row> OneRun(Variant v, int held, int count, string workDir, List<DaemonProcess> all)
    {
        var d = new DaemonProcess($"7e:be:00:00:02:{all.Count % 256:x2}", $"durable{all.Count}", workDir, "10.32.0.0/12", "consensus=1", tickSeconds: 5, gossipSeconds: 30) { WeaverDll = v.WeaverDll };
        all.Add(d);
        // As a user runs it: the runtime settings are the build's own, not the tests' DOTNET_gcServer=0.
        d.Variables["DOTNET_gcServer"] = null;
        d.Start();
        await d.WaitForHttpAsync(TimeSpan.FromSeconds(120));
        await Post(d, 8, held, "fill");
        var appendBefore = FsyncRate.Append(d.DataDir);
        var overwriteBefore = FsyncRate.Overwrite(d.DataDir);
        var one = await Post(d, 1, count, "one");
        var eight = await Post(d, 8, 8 * count, "eight");
        var appendAfter = FsyncRate.Append(d.DataDir);
        var overwriteAfter = FsyncRate.Overwrite(d.DataDir);
        d.Kill();
        return new Row(one.Rate, one.P50, one.P99, one.CpuUs, eight.Rate, eight.P50, eight.P99, eight.CpuUs, (appendBefore + appendAfter) / 2, (overwriteBefore + overwriteAfter) / 2);
    }

    private static async Task<(double Rate, double P50, double P99, double CpuUs)> Post(DaemonProcess d, int clients, int total, string prefix)
    {
        var cpu0 = StartupBench.CpuMilliseconds(d.Pid!.Value);
        var (done, elapsed) = await KeepAlivePosts.RunAsync(d.Http.BaseAddress!, clients, total, i => $"{prefix}-{i}");
        // The daemon's CPU per request: what the machine's load disturbs least.
        var cpuUs = (StartupBench.CpuMilliseconds(d.Pid!.Value) - cpu0) * 1000 / done.Length;
        return (done.Length / elapsed.TotalSeconds, Stats.Pct(done, 0.5), Stats.Pct(done, 0.99), cpuUs);
    }

    private sealed record Row(double OneRate, double OneP50, double OneP99, double OneCpuUs, double EightRate, double EightP50, double EightP99, double EightCpuUs, double Fsync, double Fdatasync)
    {
        public override string ToString() =>
            $"1 client {OneRate:N0}/s (p50 {OneP50:0.00} ms, p99 {OneP99:0.00} ms, daemon CPU {OneCpuUs:0} µs/POST) = {OneRate / Fsync:P0} of append+fsync {Fsync:N0}/s, {OneRate / Fdatasync:P0} of overwrite+fdatasync {Fdatasync:N0}/s; 8 clients {EightRate:N0}/s (p50 {EightP50:0.00} ms, p99 {EightP99:0.00} ms, daemon CPU {EightCpuUs:0} µs/POST)";
    }
}
