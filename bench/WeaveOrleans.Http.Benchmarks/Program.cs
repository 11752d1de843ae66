using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using WeaveOrleans.Host.Tests;
using WeaveOrleans.Http.Benchmarks;

// End-to-end timings of real weaver daemons over loopback sockets (see README.md in this folder).
// Usage: dotnet run -c Release --project bench/WeaveOrleans.Http.Benchmarks -- [--count 20000]
//        [--gossip-daemons 5] [--gossip-seconds 10] [--only throughput|remote|gossip|startup|durable|donation|memory]
//        [--weaver [LABEL=]PATH ...] [--rounds 10] [--held 2000,100000] [--durable-rounds 2] [--durable-count 3000] [--pairs 20]
//        (memory, only when asked: [--count 100000] [--gcdump PATH], the first --weaver; see MemoryPerAddress.cs)

var count = IntArg("--count", 20_000);
var gossipDaemons = IntArg("--gossip-daemons", 5);
var gossipSeconds = IntArg("--gossip-seconds", 10);
var only = StringArg("--only");
var rounds = IntArg("--rounds", 10);
var helds = (StringArg("--held") ?? "2000,100000").Split(',').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToList();
var durableRounds = IntArg("--durable-rounds", 2);
var durableCount = IntArg("--durable-count", 3000);
var pairs = IntArg("--pairs", 20);
var workDir = Directory.CreateTempSubdirectory("weaver-bench-").FullName;
var all = new List<DaemonProcess>();
// The sections below this one compare builds side by side; the older ones run the first.
var variants = Variant.FromArgs(args, DaemonProcess.FindWeaverDll());
foreach (var v in variants)
    Console.WriteLine($"weaver {v.Label}: {v.WeaverDll}");
Console.WriteLine($"work dir: {workDir}; {Environment.ProcessorCount} cores");

try
{
    if (only is null or "throughput")
        await Throughput();
    if (only is null or "remote")
        await RemoteFirstAllocation();
    if (only is null or "gossip")
        await IdleGossip();
    if (only is null or "startup")
        await StartupBench.RunAsync(variants, rounds, workDir, all);
    if (only is null or "durable")
        await DurablePostBench.RunAsync(variants, helds, durableRounds, durableCount, workDir, all);
    if (only is null or "donation")
        await DonationBench.RunAsync(variants, pairs, workDir, all);
    if (only is "memory")
        await MemoryPerAddress.Run(workDir, IntArg("--count", 100_000), variants[0].WeaverDll, StringArg("--gcdump"));
}
finally
{
    foreach (var d in all)
        d.Dispose();
    try
    {
        Directory.Delete(workDir, recursive: true);
    }
    catch (IOException)
    {
    }
}
return 0;

DaemonProcess NewDaemon(string nick, int index, string init, double tick = 5, double gossip = 30)
{
    var d = new DaemonProcess($"7e:be:00:00:00:{index:x2}", nick, workDir, "10.32.0.0/12", init, tickSeconds: tick, gossipSeconds: gossip) { WeaverDll = variants[0].WeaverDll };
    all.Add(d);
    return d;
}

async Task Throughput()
{
    Console.WriteLine();
    Console.WriteLine($"== POST /ip/{{id}} throughput: one daemon, consensus=1, SQLite (default settings), {count:N0} distinct ids per run");
    var d = NewDaemon("tput", 1, "consensus=1");
    d.Start();
    await d.WaitForHttpAsync(TimeSpan.FromSeconds(60));
    // Warm-up: creates the ring, JITs both sides.
    for (var i = 0; i < 500; i++)
        await d.AllocateAsync($"warm-{i}");

    foreach (var clients in new[] { 1, 8 })
    {
        var (latencies, elapsed) = await KeepAlivePosts.RunAsync(d.Http.BaseAddress!, clients, count, i => $"run{clients}-{i}");
        var n = latencies.Length;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(
            $"{clients} client(s): {n:N0} allocations in {elapsed.TotalSeconds:0.00} s = {n / elapsed.TotalSeconds:N0} allocations/s; " +
            $"latency p50 {Stats.Pct(sorted, 0.50):0.000} ms, p99 {Stats.Pct(sorted, 0.99):0.000} ms, max {sorted[^1]:0.0} ms");
    }
    var status = await d.IpamLinesAsync();
    Console.WriteLine($"/status/ipam: {status.FirstOrDefault()}");
    d.Kill();
}

async Task RemoteFirstAllocation()
{
    Console.WriteLine();
    Console.WriteLine("== First allocation that needs space from another daemon (two daemons; the second is an observer)");
    var owner = NewDaemon("owner", 0x10, "consensus=1");
    owner.Start();
    await owner.WaitForHttpAsync(TimeSpan.FromSeconds(60));
    await owner.AllocateAsync("owner-first"); // owner now holds the whole range
    for (var round = 1; round <= 3; round++)
    {
        var observer = NewDaemon($"obs{round}", 0x10 + round, "observer");
        observer.Peers.Add(owner.PeerAddress);
        observer.Start();
        await observer.WaitForHttpAsync(TimeSpan.FromSeconds(60));
        // Wait until the observer has the ring from gossip, so the timing is the space request only.
        await DaemonProcess.PollAsync(async () => (await observer.IpamLinesAsync()).Length > 0, TimeSpan.FromSeconds(60), "observer learns the ring");
        var t0 = Stopwatch.GetTimestamp();
        string first;
        try
        {
            first = await observer.AllocateAsync($"obs{round}-first");
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAILED {e.Message}\n--- observer\n{observer.LogTail(80)}\n--- owner\n{owner.LogTail(80)}");
            throw;
        }
        var firstMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        t0 = Stopwatch.GetTimestamp();
        await observer.AllocateAsync($"obs{round}-second");
        var secondMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        // Another donation once the code is warm: a subnet the owner still holds (not the first donation).
        t0 = Stopwatch.GetTimestamp();
        var warm = await observer.AllocateAsync($"obs{round}-warm", $"10.35.{round}.0/24");
        var warmMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        Console.WriteLine($"observer {round}: first POST {firstMs:0.0} ms ({first}); next POST (local space) {secondMs:0.0} ms; " +
            $"a second remote POST (another subnet) {warmMs:0.0} ms ({warm})");
        observer.Kill();
    }
    owner.Kill();
}

async Task IdleGossip()
{
    Console.WriteLine();
    var n = gossipDaemons;
    Console.WriteLine($"== Idle gossip: {n} daemons, full mesh, consensus={n}, --gossip-interval 1 (default tick 5 s), measured over {gossipSeconds} s");
    var ds = Enumerable.Range(0, n).Select(i => NewDaemon($"g{i + 1}", 0x20 + i, $"consensus={n}", tick: 5, gossip: 1)).ToList();
    foreach (var d in ds)
        d.Peers.AddRange(ds.Where(o => o != d).Select(o => o.PeerAddress));
    foreach (var d in ds)
        d.Start();
    await Task.WhenAll(ds.Select(d => d.WaitForHttpAsync(TimeSpan.FromSeconds(120))));
    await Task.WhenAll(ds.Select(d => d.AllocateAsync($"{d.Nickname}-first")));
    await DaemonProcess.PollAsync(async () =>
    {
        var lines = await Task.WhenAll(ds.Select(d => d.IpamLinesAsync()));
        return lines.All(l => l.Length == n);
    }, TimeSpan.FromSeconds(60), $"every daemon lists {n} peers");
    // Let the consensus and ring traffic settle, and the first tick report the first allocations.
    await Task.Delay(TimeSpan.FromSeconds(8));

    var idle = await MeasureGossip(ds);
    Console.WriteLine(
        $"{n} daemons idle: {idle.SentBytes / idle.Rounds:N0} bytes sent per gossip round in total ({idle.SentBytes / idle.Rounds / n:N0} per daemon, " +
        $"{idle.SentMessages / idle.Rounds / n:0.0} messages per daemon); received {idle.ReceivedBytes / idle.Rounds:N0} bytes per round in total");

    // One allocation: its free count goes out with the next tick's report, so the window spans a tick.
    await ds[0].AllocateAsync("one-more");
    var one = await MeasureGossip(ds);
    var extra = one.SentBytes - idle.SentBytes * one.Rounds / idle.Rounds;
    Console.WriteLine(
        $"{n} daemons, one allocation at the start of the window: {one.SentBytes / one.Rounds:N0} bytes sent per round in total " +
        $"over {one.Rounds:0} rounds; {extra:N0} bytes more than idle for the whole window");
    foreach (var d in ds)
        d.Kill();
}

async Task<(double SentBytes, double SentMessages, double ReceivedBytes, double Rounds)> MeasureGossip(List<DaemonProcess> ds)
{
    var n = ds.Count;
    var before = await Task.WhenAll(ds.Select(d => GossipCounters(d)));
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(gossipSeconds));
    var after = await Task.WhenAll(ds.Select(d => GossipCounters(d)));
    var seconds = clock.Elapsed.TotalSeconds;

    var kinds = after.SelectMany(a => a.Keys).Distinct().Order().ToList();
    double Delta(string key) => Enumerable.Range(0, n).Sum(i => after[i].GetValueOrDefault(key) - before[i].GetValueOrDefault(key));
    foreach (var k in kinds)
    {
        var d = Delta(k);
        if (d != 0)
            Console.WriteLine($"  {k}: {d:N0} over {seconds:0.0} s, all daemons");
    }
    double Sum(string prefix, string suffix) =>
        kinds.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal)).Sum(Delta);
    // --gossip-interval 1: one round a second.
    return (Sum("bytes/", "/sent"), Sum("messages/", "/sent"), Sum("bytes/", "/received"), seconds / 1.0);
}

static async Task<Dictionary<string, double>> GossipCounters(DaemonProcess d)
{
    var text = await d.GetTextAsync("metrics");
    var result = new Dictionary<string, double>();
    foreach (Match m in Regex.Matches(text, @"^weave_gossip_(bytes|messages)_total\{kind=""([^""]*)"",direction=""([^""]*)""\} (\S+)$", RegexOptions.Multiline))
        result[$"{m.Groups[1].Value}/{m.Groups[2].Value}/{m.Groups[3].Value}"] = double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
    return result;
}


int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string? StringArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
