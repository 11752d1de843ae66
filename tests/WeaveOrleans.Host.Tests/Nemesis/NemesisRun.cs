using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>How long, how big and from which seed.</summary>
internal sealed record NemesisOptions(int Seed, int Hosts, double Seconds, int ClientsPerHost, string WorkDir, Action<string> Log)
{
    public const string Range = "10.44.0.0/22";
}

/// <summary>The figures and findings of one run.</summary>
internal sealed record NemesisResult(
    NemesisOptions Options, IReadOnlyList<FaultStep> Schedule, IReadOnlyList<Operation> Operations,
    IReadOnlyList<FaultEvent> Faults, IReadOnlyList<string> Violations, int HoldsChecked, string HistoryPath)
{
    public string Summary()
    {
        var ops = Operations;
        var byKind = string.Join(", ", ops.GroupBy(o => o.Kind).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()} ({g.Count(o => o.Acked)} acked)"));
        var faults = string.Join(", ", Schedule.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
        return $"seed {Options.Seed}, {Options.Hosts} hosts, {Options.Seconds:0}s of faults: {ops.Count} operations " +
            $"({ops.Count(o => o.Acked)} acked, {ops.Count(o => o.Status is >= 400 and < 500)} refused 4xx, " +
            $"{ops.Count(o => o.Status >= 500)} 5xx, {ops.Count(o => o.Status is null)} unanswered); {byKind}; " +
            $"faults: {faults}; {HoldsChecked} held spans checked; violations: {Violations.Count}";
    }
}

/// <summary>
/// The nemesis: real daemons in namespaces (<see cref="NetLab"/>), clients on every host
/// (<see cref="NemesisClient"/>), the seeded <see cref="FaultSchedule"/> played against them, then
/// everything healed and the history checked (<see cref="HistoryChecker"/>), the rings compared
/// and every daemon that should be running found running.
/// </summary>
internal sealed class NemesisRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly NemesisOptions options;
    private readonly Stopwatch clock = new();
    private readonly History history;
    private readonly List<string> violations = [];
    private readonly Dictionary<int, double> removedAt = [];
    private readonly List<NemesisHost> hosts = [];

    private NemesisRun(NemesisOptions options)
    {
        this.options = options;
        history = new History(clock);
    }

    public static async Task<NemesisResult> RunAsync(NemesisOptions options)
    {
        var run = new NemesisRun(options);
        using var lab = new NetLab(options.Hosts);
        try
        {
            return await run.RunAsync(lab);
        }
        finally
        {
            foreach (var h in run.hosts)
                h.Dispose();
            // Also when the run broke off: what happened up to then is the evidence.
            run.history.WriteTo(Path.Combine(options.WorkDir, "history.txt"));
        }
    }

    private void Log(string line) => options.Log($"{clock.Elapsed.TotalSeconds,7:0.0}s {line}");

    private async Task<NemesisResult> RunAsync(NetLab lab)
    {
        clock.Start();
        var schedule = FaultSchedule.Make(options.Seed, options.Hosts, options.Seconds);
        Log($"seed {options.Seed}: schedule\n  {string.Join("\n  ", schedule)}");
        var salt = new Random(options.Seed).Next(0x10, 0xff);
        var peerPort = DaemonProcess.FreePort();
        for (var i = 1; i <= options.Hosts; i++)
        {
            var others = Enumerable.Range(1, options.Hosts).Where(j => j != i).Select(j => $"{NetLab.AddressOf(j)}:{peerPort}");
            // Each namespace has its own ports: every daemon can use the same peer port.
            var host = new NemesisHost(i, lab.Hosts[i - 1], $"7e:00:00:00:{salt:x2}:{i:x2}", options.WorkDir, NemesisOptions.Range, options.Hosts, others, peerPort);
            hosts.Add(host);
        }
        foreach (var h in hosts)
            h.Start();
        await Task.WhenAll(hosts.Select(h => h.WaitUpAsync(StartTimeout)));
        Log("all daemons answer");
        await Task.WhenAll(hosts.Select(FirstAllocationAsync));
        Log("ring formed: every host allocated once");

        var offset = clock.Elapsed.TotalSeconds;
        using var stop = new CancellationTokenSource();
        var shared = new SharedAddresses();
        List<NemesisClient> clients = [.. hosts.SelectMany(h => Enumerable.Range(0, options.ClientsPerHost).Select(c =>
            new NemesisClient(h, c, options.Seed * 31 + h.Index * 7 + c, history, shared, NemesisOptions.Range)))];
        var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToList();

        foreach (var step in schedule)
        {
            var wait = offset + step.Start - clock.Elapsed.TotalSeconds;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromSeconds(wait));
            CheckRunning();
            await PlayAsync(lab, step);
        }
        var end = offset + options.Seconds - clock.Elapsed.TotalSeconds;
        if (end > 0)
            await Task.Delay(TimeSpan.FromSeconds(end));
        lab.Apply([]);
        CheckRunning();
        await stop.CancelAsync();
        await Task.WhenAll(running);
        Log($"faults over, clients stopped after {history.Operations().Count} operations; waiting for the rings to agree");

        var live = hosts.Where(h => !h.Removed).ToList();
        await RingsAgreeAsync(live);
        var ops = history.Operations();
        var holds = HistoryChecker.Holds(ops, removedAt);
        var listings = new Dictionary<int, IReadOnlyDictionary<string, string[]>>();
        foreach (var h in live)
        {
            var listedAt = history.Now;
            listings[h.Index] = await h.ListingAsync();
            violations.AddRange(HistoryChecker.Lost(holds, h.Index, listings[h.Index], double.PositiveInfinity, listedAt, "at the end"));
        }
        violations.AddRange(HistoryChecker.ListedTwice(listings));
        violations.AddRange(HistoryChecker.Duplicates(holds));
        CheckRunning();

        return new NemesisResult(options, schedule, ops, history.Faults(), violations, holds.Count, Path.Combine(options.WorkDir, "history.txt"));
    }

    private async Task FirstAllocationAsync(NemesisHost h) => await DaemonProcess.PollAsync(async () =>
    {
        try
        {
            using var r = await h.Admin.PostAsync($"ip/warmup-h{h.Index}", null);
            return r.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }, StartTimeout, $"host{h.Index}'s first allocation");

    private async Task PlayAsync(NetLab lab, FaultStep step)
    {
        var host = hosts[step.A[0] - 1];
        history.Fault(step.Kind.ToString(), step.ToString().Trim());
        Log($"fault {step}");
        // The delays below are the faults' durations (how long a cut or a pause lasts), not waits for something to happen.
        switch (step.Kind)
        {
            case FaultKind.CutBoth or FaultKind.CutOneWay or FaultKind.Isolate or FaultKind.Split:
                lab.Apply([.. step.Cuts()]);
                await Task.Delay(TimeSpan.FromSeconds(step.Duration));
                lab.Apply([]);
                break;
            case FaultKind.Pause:
                Shell.Signal(host.Daemon.Pid!.Value, "STOP");
                await Task.Delay(TimeSpan.FromSeconds(step.Duration));
                Shell.Signal(host.Daemon.Pid!.Value, "CONT");
                break;
            case FaultKind.KillRestart:
            {
                var killedAt = history.Now;
                host.Kill();
                await Task.Delay(TimeSpan.FromSeconds(step.Duration));
                host.Start();
                await host.WaitUpAsync(StartTimeout);
                var listedAt = history.Now;
                var listing = await host.ListingAsync();
                var lost = HistoryChecker.Lost(HistoryChecker.Holds(history.Operations(), removedAt), host.Index, listing, killedAt, listedAt, "after kill -9 and restart");
                violations.AddRange(lost);
                Log($"host{host.Index} back after kill -9: {listing.Count} ids listed, {lost.Count} acknowledged ones missing");
                break;
            }
            case FaultKind.KillRemove:
                await RemoveAsync(host);
                break;
        }
    }

    private async Task RemoveAsync(NemesisHost dead)
    {
        dead.Removed = true;
        removedAt[dead.Index] = history.Now;
        dead.Kill();
        var survivor = hosts.First(h => !h.Removed);
        // Weave refuses to rmpeer a peer that is still connected; wait until the survivor has noticed.
        await DaemonProcess.PollAsync(async () =>
        {
            using var report = await survivor.ReportAsync();
            return !report.RootElement.GetProperty("ConnectedPeers").EnumerateArray()
                .Any(p => p.GetString()!.Contains(dead.Daemon.Name, StringComparison.OrdinalIgnoreCase));
        }, TimeSpan.FromSeconds(60), $"host{survivor.Index} notices host{dead.Index} is gone");
        using var reply = await survivor.Admin.DeleteAsync($"peer/{Uri.EscapeDataString(dead.Daemon.Name)}");
        var text = (await reply.Content.ReadAsStringAsync()).Trim();
        history.Fault("rmpeer", $"host{survivor.Index} DELETE /peer/{dead.Daemon.Name} -> {(int)reply.StatusCode} {text}");
        Log($"rmpeer host{dead.Index} on host{survivor.Index}: {(int)reply.StatusCode} {text}");
        if (!reply.IsSuccessStatusCode)
            violations.Add($"rmpeer of the dead host{dead.Index} on host{survivor.Index} refused: {(int)reply.StatusCode} {text}");
    }

    private void CheckRunning()
    {
        foreach (var h in hosts.Where(h => h.MeantToRun && !h.Daemon.Running))
        {
            violations.Add($"host{h.Index} exited on its own at {history.Now:0.0}s; log tail:\n{h.Daemon.LogTail(15)}");
            // Reported once; it is not restarted, so the checks that follow see it as it is.
            h.Kill();
            h.Removed = true;
        }
    }

    /// <summary>Every live host reports the same ring (tokens, owners, versions), owners all live, sizes summing to the range.</summary>
    private async Task RingsAgreeAsync(List<NemesisHost> live)
    {
        var liveNames = live.Select(h => h.Daemon.Name.ToLowerInvariant()).ToHashSet();
        string? last = null;
        try
        {
            await DaemonProcess.PollAsync(async () =>
            {
                var rings = new List<string>();
                foreach (var h in live)
                {
                    try
                    {
                        using var report = await h.ReportAsync();
                        var (ring, problem) = Ring(report.RootElement, liveNames);
                        if (problem is not null)
                        {
                            last = $"host{h.Index}: {problem}";
                            return false;
                        }
                        rings.Add(ring);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        last = $"host{h.Index}: {e.Message}";
                        return false;
                    }
                }
                last = string.Join("\n  vs ", rings.Distinct());
                return rings.Distinct().Count() == 1;
            }, TimeSpan.FromSeconds(90), "the rings agree");
            var owners = last!.Split(' ').GroupBy(e => string.Join(':', e.Split(':')[1..^1])).Select(g => $"{g.Key} {g.Count()}");
            Log($"rings agree on {last.Split(' ').Length} entries covering {NemesisOptions.Range} (entries per owner: {string.Join(", ", owners)})");
        }
        catch (TimeoutException)
        {
            violations.Add($"rings did not agree within 90 s after the heal: {last}");
        }
    }

    /// <summary>One host's ring as text (token:owner:version ...), or what is wrong with it: empty, not covering the range, owned by a host not live.</summary>
    internal static (string Ring, string? Problem) Ring(JsonElement report, HashSet<string> liveNames)
    {
        var entries = report.GetProperty("Entries").EnumerateArray().Select(e => (
            Token: e.GetProperty("Token").GetString()!,
            Size: BigInteger.Parse(e.GetProperty("Size").GetString()!, CultureInfo.InvariantCulture),
            Peer: e.GetProperty("Peer").GetString()!,
            Version: e.GetProperty("Version").GetUInt32())).ToList();
        var total = BigInteger.Parse(report.GetProperty("RangeNumIPs").GetString()!, CultureInfo.InvariantCulture);
        var sum = entries.Aggregate(BigInteger.Zero, (s, e) => s + e.Size);
        if (entries.Count == 0)
            return ("", "no ring");
        if (sum != total)
            return ("", $"entries cover {sum} of {total} addresses");
        if (entries.FirstOrDefault(e => !liveNames.Contains(e.Peer.ToLowerInvariant())) is { Peer: not null } stray)
            return ("", $"{stray.Token} is owned by {stray.Peer}, not a live host");
        return (string.Join(' ', entries.Select(e => $"{e.Token}:{e.Peer}:v{e.Version}")), null);
    }
}
