using System.Diagnostics;
using System.Globalization;
using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// The engine as a driver uses it: <see cref="Allocator.Allocate"/> with a container id, then
/// <see cref="Allocator.TakeEffects"/>, once per request, by a peer owning the whole /12. It uses the
/// public API only, so the same file runs against an older engine (bench/engine/compare.sh) and the
/// figures before and after come from one run on one machine. Prints one <c>ENGINE|...</c> line per
/// round: the rate (per second of wall time, and per second of the process's CPU time, which other
/// load on a shared machine disturbs less), latency percentiles, collections per generation and the GC's pause time during
/// the run, the bytes allocated per operation, and the live heap the engine keeps per held address.
/// </summary>
internal static class EngineReport
{
    public static void Run(TextWriter output, int rounds)
    {
        var latencies = new long[Workloads.HeldAddresses];
        // Not reported: the first round runs on tier-0 code and fills the JIT's caches.
        Round(latencies);
        for (var round = 1; round <= rounds; round++)
            output.WriteLine(Round(latencies).ToString(round));
    }

    private static Result Round(long[] latencies)
    {
        // Timed: the ids are made beforehand, so the rate is the engine's alone.
        var ids = new string[latencies.Length];
        for (var i = 0; i < ids.Length; i++)
            ids[i] = ContainerId(i);
        GC.Collect();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var paused = GC.GetTotalPauseDuration();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Environment.CpuUsage.TotalTime;
        var engine = NewOwnerOfWholeSubnet();
        var now = TimeSpan.FromSeconds(1);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < latencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            engine.Allocate(i, ids[i], null, isContainer: true, now);
            var effects = engine.TakeEffects();
            latencies[i] = Stopwatch.GetTimestamp() - start;
            if (effects.Completions.Count != 1 || effects.Completions[0].Outcome is not Outcome.Ok)
                throw new InvalidOperationException($"allocation {i} did not complete at once");
        }
        total.Stop();
        var cpuUsed = Environment.CpuUsage.TotalTime - cpu;
        var gcs = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var pauseShare = (GC.GetTotalPauseDuration() - paused) / total.Elapsed;
        var allocatedPerOp = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / latencies.Length;
        GC.KeepAlive(engine);
        GC.KeepAlive(ids);
        engine = null;
        ids = null;

        return new Result(
            Rate: latencies.Length / total.Elapsed.TotalSeconds,
            CpuRate: latencies.Length / cpuUsed.TotalSeconds,
            Latencies: Percentiles(latencies),
            Gen0: gcs.Item1,
            Gen1: gcs.Item2,
            Gen2: gcs.Item3,
            PauseShare: pauseShare,
            AllocatedPerOp: allocatedPerOp,
            HeldPerAddress: HeldPerAddress(latencies.Length));
    }

    /// <summary>
    /// Live heap growth while an engine holds <paramref name="count"/> addresses. Untimed; each id is made
    /// as the request would bring it, so a string the engine keeps counts as its memory.
    /// </summary>
    private static double HeldPerAddress(int count)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var engine = NewOwnerOfWholeSubnet();
        for (var i = 0; i < count; i++)
        {
            engine.Allocate(i, ContainerId(i), null, isContainer: true, TimeSpan.FromSeconds(1));
            engine.TakeEffects();
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(engine);
        return (double)(after - before) / engine.ActiveCount;
    }

    /// <summary>A 64-digit hex id, as Docker's container ids are (and as Weave's baseline names them).</summary>
    public static string ContainerId(int i) => i.ToString("x64", CultureInfo.InvariantCulture);

    public static Allocator NewOwnerOfWholeSubnet()
    {
        var config = new AllocatorConfig(Workloads.Subnet, new InitMode.BySeed([Workloads.LocalPeer]));
        var engine = new Allocator(config, Workloads.LocalPeer, "bench", new Random(Workloads.Seed));
        engine.TakeEffects();
        return engine;
    }

    private static (double P50, double P99, double Max) Percentiles(long[] ticks)
    {
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double Micros(long t) => t * 1e6 / Stopwatch.Frequency;
        return (Micros(sorted[sorted.Length / 2]), Micros(sorted[sorted.Length * 99 / 100]), Micros(sorted[^1]));
    }

    private readonly record struct Result(
        double Rate, double CpuRate, (double P50, double P99, double Max) Latencies, int Gen0, int Gen1, int Gen2,
        double PauseShare, double AllocatedPerOp, double HeldPerAddress)
    {
        public string ToString(int round) => string.Create(CultureInfo.InvariantCulture,
            $"ENGINE|round={round}|n={Workloads.HeldAddresses}|rate_per_s={Rate:F0}|per_cpu_s={CpuRate:F0}|p50_us={Latencies.P50:F2}|p99_us={Latencies.P99:F2}"
            + $"|max_us={Latencies.Max:F0}|gen0={Gen0}|gen1={Gen1}|gen2={Gen2}|gc_pause_pct={PauseShare * 100:F1}"
            + $"|alloc_bytes_per_op={AllocatedPerOp:F0}|held_bytes_per_addr={HeldPerAddress:F1}");
    }
}
