using System.Diagnostics;
using WeaveOrleans.Host.Tests;

namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// The first allocation that needs a donation over TCP, on fresh pairs of daemons: an owner
/// (consensus=1, holding the whole range) and an observer peered to it. Once the observer has the ring,
/// its first POST must ask the owner for space; then a POST in a subnet the owner still holds is a second
/// donation with the code warm. Both processes are new for every pair, so the first one is the first
/// donation either has ever done. Each donation is timed once both processes are idle (start-up's
/// background work done), so it measures the path, not the queue behind that work.
/// </summary>
public static class DonationBench
{
    public static async Task RunAsync(IReadOnlyList<Variant> variants, int pairs, string workDir, List<DaemonProcess> all)
    {
        Console.WriteLine();
        Console.WriteLine($"== Donation over TCP: {pairs} fresh owner/observer pairs per variant, variants alternating; first donation after start-up, then a warm one");
        // A donation commits twice on its critical path (the donor's ring, then the requester's ring and
        // row), each a WAL commit with one sync: the disk's own sync time, probed here before and after the
        // pairs, is the floor those two put under every donation.
        var syncs = new List<double> { SyncMilliseconds(workDir) };
        var first = variants.ToDictionary(v => v, _ => new List<double>());
        var warm = variants.ToDictionary(v => v, _ => new List<double>());
        for (var pair = 0; pair < pairs; pair++)
        {
            var order = pair % 2 == 0 ? variants : variants.Reverse().ToList();
            foreach (var v in order)
            {
                var (f, w) = await OnePair(v, workDir, all);
                first[v].Add(f);
                warm[v].Add(w);
                Console.WriteLine($"  pair {pair + 1} {v.Label}: first donation {f:0.0} ms, warm {w:0.0} ms");
            }
        }
        syncs.Add(SyncMilliseconds(workDir));
        Console.WriteLine($"disk: 4 KiB overwrite + fdatasync {syncs[0]:0.00} ms before the pairs, {syncs[1]:0.00} ms after; " +
            $"two on the critical path: {2 * syncs.Min():0.0}-{2 * syncs.Max():0.0} ms of any donation");
        var baseline = variants[0];
        foreach (var v in variants)
        {
            var vs = v == baseline ? "" : $"; first p50 vs {baseline.Label} {Stats.Median(first[v]) / Stats.Median(first[baseline]):0.00}x";
            Console.WriteLine($"{v.Label}: first donation p50 {Stats.Median(first[v]):0.0} ms, p99 {Stats.Pct(first[v], 0.99):0.0} ms; " +
                $"warm p50 {Stats.Median(warm[v]):0.0} ms, p99 {Stats.Pct(warm[v], 0.99):0.0} ms (n={first[v].Count}){vs}");
        }
    }

    private static double SyncMilliseconds(string directory) => 1000.0 / FsyncRate.Overwrite(directory, 300);

    /// <summary>Waits (at most 30 s) until neither daemon used more than 20 ms of CPU in the last 250 ms.</summary>
    private static async Task Idle(params DaemonProcess[] daemons)
    {
        var clock = Stopwatch.StartNew();
        var last = daemons.Select(d => StartupBench.CpuMilliseconds(d.Pid!.Value)).ToArray();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            var now = daemons.Select(d => StartupBench.CpuMilliseconds(d.Pid!.Value)).ToArray();
            var busy = now.Zip(last, (a, b) => a - b).Max();
            last = now;
            if (busy <= 20)
                return;
        }
    }

    private static async Task<(double First, double Warm)> OnePair(Variant v, string workDir, List<DaemonProcess> all)
    {
        var n = all.Count;
        var owner = new DaemonProcess($"7e:be:00:03:{n % 256:x2}:00", $"owner{n}", workDir, "10.32.0.0/12", "consensus=1", tickSeconds: 5, gossipSeconds: 30) { WeaverDll = v.WeaverDll };
        var observer = new DaemonProcess($"7e:be:00:03:{n % 256:x2}:01", $"obs{n}", workDir, "10.32.0.0/12", "observer", tickSeconds: 5, gossipSeconds: 30) { WeaverDll = v.WeaverDll };
        all.Add(owner);
        all.Add(observer);
        owner.Variables["DOTNET_gcServer"] = null;
        observer.Variables["DOTNET_gcServer"] = null;
        observer.Peers.Add(owner.PeerAddress);
        owner.Start();
        observer.Start();
        try
        {
            await owner.WaitForHttpAsync(TimeSpan.FromSeconds(120));
            await owner.AllocateAsync("owner-first");
            await observer.WaitForHttpAsync(TimeSpan.FromSeconds(120));
            await DaemonProcess.PollAsync(async () => (await observer.IpamLinesAsync()).Length > 0, TimeSpan.FromSeconds(60), "observer learns the ring");
            // Start-up is over when neither process is still busy with it (tier-1 recompilation, work
            // deferred past the listeners): the donation is timed on its own, not queued behind that.
            await Idle(owner, observer);
            var t0 = Stopwatch.GetTimestamp();
            await observer.AllocateAsync("obs-first");
            var firstMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            t0 = Stopwatch.GetTimestamp();
            await observer.AllocateAsync("obs-warm", "10.35.1.0/24");
            var warmMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            return (firstMs, warmMs);
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAILED {e.Message}\n--- observer\n{observer.LogTail(40)}\n--- owner\n{owner.LogTail(40)}");
            throw;
        }
        finally
        {
            observer.Kill();
            owner.Kill();
        }
    }
}
