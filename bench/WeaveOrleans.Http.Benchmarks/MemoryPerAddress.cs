using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using WeaveOrleans.Host.Tests;

/// <summary>
/// What a served daemon keeps per held address: one daemon (consensus=1, SQLite), warmed with 500
/// POSTs, measured, then given <c>count</c> more with 64-hex-digit ids (as Docker's are) from 8 clients,
/// and measured again. Two figures each time: the resident set (VmRSS) and the live managed heap after
/// a full collection, which <c>dotnet-gcdump</c> induces and counts (from <c>--gcdump PATH</c>, or on
/// PATH; skipped when missing). <c>--weaver DLL</c> runs another build's weaver.dll, so two engines can
/// be measured alternately (bench/engine/daemon-memory.sh).
/// </summary>
internal static partial class MemoryPerAddress
{
    public static async Task Run(string workDir, int count, string? weaverDll, string? gcdump)
    {
        weaverDll ??= DaemonProcess.FindWeaverDll();
        gcdump ??= "dotnet-gcdump";
        var d = new DaemonProcess("7e:be:00:00:00:31", "memory", workDir, "10.32.0.0/12", "consensus=1", tickSeconds: 5, gossipSeconds: 30);
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = d.DataDir };
        info.ArgumentList.Add(weaverDll);
        foreach (var a in d.Arguments().Skip(1))
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_gcServer"] = "0";
        using var daemon = Process.Start(info) ?? throw new InvalidOperationException("could not start weaver");
        daemon.OutputDataReceived += (_, _) => { };
        daemon.ErrorDataReceived += (_, _) => { };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            await d.WaitForHttpAsync(TimeSpan.FromSeconds(120));
            for (var i = 0; i < 500; i++)
                await d.AllocateAsync($"warm-{i}");
            var (rssBefore, heapBefore) = await Measure(daemon.Id, workDir, gcdump, "before");

            var wall = Stopwatch.StartNew();
            const int clients = 8;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = d.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                for (var i = c; i < count; i += clients)
                {
                    using var r = await http.PostAsync($"ip/{i.ToString("x64", CultureInfo.InvariantCulture)}", null);
                    r.EnsureSuccessStatusCode();
                }
            })));
            wall.Stop();
            var (rssAfter, heapAfter) = await Measure(daemon.Id, workDir, gcdump, "after");

            double Per(long before, long after) => before < 0 || after < 0 ? double.NaN : (double)(after - before) / count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MEMORY|weaver={weaverDll}|n={count}|post_s={wall.Elapsed.TotalSeconds:F1}|rss_before={rssBefore}|rss_after={rssAfter}"
                + $"|rss_bytes_per_addr={Per(rssBefore, rssAfter):F1}|heap_before={heapBefore}|heap_after={heapAfter}"
                + $"|heap_bytes_per_addr={Per(heapBefore, heapAfter):F1}"));
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }
    }

    private static async Task<(long Rss, long Heap)> Measure(int pid, string workDir, string gcdump, string label)
    {
        // The heap first: the collection it induces returns memory, so the resident figure is read after it.
        var heap = await LiveHeap(pid, Path.Combine(workDir, $"{label}.gcdump"), gcdump);
        var status = await File.ReadAllTextAsync($"/proc/{pid}/status");
        var rss = long.Parse(RssLine().Match(status).Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
        return (rss, heap);
    }

    /// <summary>Live managed bytes after a full collection, or -1 when dotnet-gcdump is not there.</summary>
    private static async Task<long> LiveHeap(int pid, string file, string gcdump)
    {
        if (await Run(gcdump, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file]) is null)
            return -1;
        var report = await Run(gcdump, ["report", file]) ?? "";
        var total = HeapTotal().Match(report);
        return total.Success ? long.Parse(total.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : -1;
    }

    private static async Task<string?> Run(string file, string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex RssLine();

    [GeneratedRegex(@"([\d,]+)\s+GC Heap bytes")]
    private static partial Regex HeapTotal();
}
