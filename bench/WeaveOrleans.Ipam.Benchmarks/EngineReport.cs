using System.Diagnostics;
using System.Globalization;
using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// The engine as a driver uses it: <see cref="Allocator.Allocate"/> with a container id, then
/// <see cref="Allocator.TakeEffects"/>, once per request, by a peer owning the whole /12. It uses the
/// public API only, so the same file runs against an older engine (bench/engine/compare.sh) and the
/// figures before and after come from one run on one machine. Prints one <c>ENGINE|...</c> line per
/// round: the rate, latency percentiles, collections per generation and the GC's pause time during
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
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var paused = GC.GetTotalPauseDuration();
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var engine = NewOwnerOfWholeSubnet();
        var now = TimeSpan.FromSeconds(1);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < latencies.Length; i++)
        {
            // Made here, as a request would bring it: a string the engine keeps counts as its memory.
            var ident = ContainerId(i);
            var start = Stopwatch.GetTimestamp();
            engine.Allocate(i, ident, null, isContainer: true, now);
            var effects = engine.TakeEffects();
            latencies[i] = Stopwatch.GetTimestamp() - start;
            if (effects.Completions.Count != 1 || effects.Completions[0].Outcome is not Outcome.Ok)
                throw new InvalidOperationException($"allocation {i} did not complete at once");
        }
        total.Stop();

        var result = new Result(
            Rate: latencies.Length / total.Elapsed.TotalSeconds,
            Latencies: Percentiles(latencies),
            Gen0: GC.CollectionCount(0) - gen0,
            Gen1: GC.CollectionCount(1) - gen1,
            Gen2: GC.CollectionCount(2) - gen2,
            PauseShare: (GC.GetTotalPauseDuration() - paused) / total.Elapsed,
            AllocatedPerOp: (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / latencies.Length,
            HeldPerAddress: (double)(GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / engine.ActiveCount);
        GC.KeepAlive(engine);
        return result;
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
        double Rate, (double P50, double P99, double Max) Latencies, int Gen0, int Gen1, int Gen2,
        double PauseShare, double AllocatedPerOp, double HeldPerAddress)
    {
        public string ToString(int round) => string.Create(CultureInfo.InvariantCulture,
            $"ENGINE|round={round}|n={Workloads.HeldAddresses}|rate_per_s={Rate:F0}|p50_us={Latencies.P50:F2}|p99_us={Latencies.P99:F2}"
            + $"|max_us={Latencies.Max:F0}|gen0={Gen0}|gen1={Gen1}|gen2={Gen2}|gc_pause_pct={PauseShare * 100:F1}"
            + $"|alloc_bytes_per_op={AllocatedPerOp:F0}|held_bytes_per_addr={HeldPerAddress:F1}");
    }
}
