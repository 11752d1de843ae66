using System.Diagnostics;

namespace WeaveOrleans.Ipam.Benchmarks;

/// <summary>
/// Benchmarks with [IterationSetup] call their method once per iteration, so the few warm-up
/// iterations end before tiered compilation has replaced the first, unoptimised code: a 100-entry
/// merge measured that way ran at tier 0 and looked slower than a 1,000-entry one. Running the
/// operation for a while, with pauses that let the background compiler catch up, settles it first.
/// </summary>
internal static class JitWarmup
{
    public static void Run(Action operation)
    {
        var total = Stopwatch.StartNew();
        var sincePause = Stopwatch.StartNew();
        while (total.ElapsedMilliseconds < 1_500)
        {
            operation();
            if (sincePause.ElapsedMilliseconds < 100)
                continue;
            Thread.Sleep(150);
            sincePause.Restart();
        }
    }
}
