using System.Diagnostics;
using System.Globalization;
using WeaveOrleans.Host.Tests;

namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// Exec of the daemon to its first successful <c>POST /ip</c>: a fresh data directory each time, the
/// POST retried every 5 ms from the moment the process is started. Also the daemon's CPU time at that
/// moment (user + system from /proc), which a loaded machine disturbs less than the wall clock.
/// </summary>
public static class StartupBench
{
    public static async Task RunAsync(IReadOnlyList<Variant> variants, int rounds, string workDir, List<DaemonProcess> all)
    {
        Console.WriteLine();
        Console.WriteLine($"== Start-up: exec of weaver to its first successful POST /ip/{{id}} (consensus=1, fresh data dir), {rounds} rounds, variants alternating");
        var wall = variants.ToDictionary(v => v, _ => new List<double>());
        var cpu = variants.ToDictionary(v => v, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            // Which variant goes first alternates too, so none always runs on the heels of another's exit.
            var order = round % 2 == 0 ? variants : variants.Reverse().ToList();
            foreach (var v in order)
            {
                var d = new DaemonProcess($"7e:be:00:00:01:{all.Count % 256:x2}", $"start{all.Count}", workDir, "10.32.0.0/12", "consensus=1") { WeaverDll = v.WeaverDll };
                // As a user runs it: the runtime settings are the build's own, not the tests' DOTNET_gcServer=0.
                d.Variables["DOTNET_gcServer"] = null;
                all.Add(d);
                var clock = Stopwatch.StartNew();
                d.Start();
                await FirstPost(d);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                var cpuMs = CpuMilliseconds(d.Pid!.Value);
                d.Kill();
                wall[v].Add(elapsed);
                cpu[v].Add(cpuMs);
                Console.WriteLine($"  round {round + 1} {v.Label}: {elapsed:0} ms to first POST, {cpuMs:0} ms CPU");
            }
        }
        var baseline = variants[0];
        foreach (var v in variants)
        {
            var ratio = v == baseline ? "" : $"; ratio to {baseline.Label}: wall {Stats.Median(wall[v]) / Stats.Median(wall[baseline]):0.00}, CPU {Stats.Median(cpu[v]) / Stats.Median(cpu[baseline]):0.00}";
            Console.WriteLine($"{v.Label}: start-up to first POST p50 {Stats.Median(wall[v]):0} ms (min {wall[v].Min():0}, max {wall[v].Max():0}), CPU p50 {Stats.Median(cpu[v]):0} ms{ratio}");
        }
    }

    private static async Task FirstPost(DaemonProcess d)
    {
        var deadline = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = d.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            if (!d.Running)
                throw new InvalidOperationException($"{d.Nickname} exited; log tail:\n{d.LogTail()}");
            try
            {
                using var r = await http.PostAsync("ip/first", null);
                if (r.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                throw new TimeoutException($"{d.Nickname}: no successful POST within 120 s");
            await Task.Delay(5);
        }
    }

    /// <summary>utime + stime of the process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms).</summary>
    public static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0;
    }
}
