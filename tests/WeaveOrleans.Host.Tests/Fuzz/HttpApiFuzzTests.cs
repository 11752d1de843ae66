using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests.Fuzz;

/// <summary>
/// A few seconds of seeded garbage against one real daemon's HTTP API (<see cref="HttpFuzzInputs"/>):
/// every answer is 2xx or 4xx, none takes longer than its bound, the daemon lives, its ring is what
/// it was once the fuzzer's own legitimate allocations are deleted, and its memory stays bounded.
/// WEAVE_FUZZ_SEED replays a seed, WEAVE_FUZZ_SECONDS runs longer.
/// </summary>
public sealed class HttpApiFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const string WarmupId = "fuzz-warmup";

    /// <summary>Pseudo-status: the server closed the connection while a large body was still being sent.</summary>
    private const int ClosedDuringUpload = -2;

    /// <summary>
    /// Pseudo-status: an allocation in a subnet whose every address is held got no answer within the
    /// bound. That is Weave's behaviour (it waits until an address is freed), not a hang; the client's
    /// cancel must drop it, which the final status comparison checks.
    /// </summary>
    private const int WaitingInFullSubnet = -3;
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    /// <summary>What the process may grow by over the fuzz, in MiB (stated bound; measured growth is printed).</summary>
    private const long RssGrowthBoundMiB = 96;

    private readonly string workDir = Directory.CreateTempSubdirectory("weaver-fuzz-").FullName;
    private DaemonProcess? daemon;

    [Fact]
    public async Task Garbage_at_the_limits_gets_only_2xx_or_4xx_and_leaves_the_daemon_alive_ring_untouched_and_memory_bounded()
    {
        var seed = Setting("WEAVE_FUZZ_SEED", Random.Shared.Next(1, 1_000_000));
        var seconds = Setting("WEAVE_FUZZ_SECONDS", 5);
        output.WriteLine($"fuzz seed {seed} (replay: WEAVE_FUZZ_SEED={seed}), {seconds}s");
        daemon = new DaemonProcess($"7e:00:00:00:f0:{Random.Shared.Next(0x10, 0xff):x2}", "fuzz1", workDir, "10.45.0.0/16", "consensus=1");
        daemon.Start();
        await daemon.WaitForHttpAsync(TimeSpan.FromSeconds(60));
        await daemon.AllocateAsync(WarmupId);
        // Every route once, so what the JIT and the first requests cost is in the baseline.
        foreach (var path in new[] { "status", "status/ipam", "status/json", "report", "report?format=%7B%7Bjson%20.%7D%7D", "metrics", "ip", $"ip/{WarmupId}", "ipinfo/defaultsubnet", "ipinfo/tracker" })
            await daemon.GetTextAsync(path);
        var ringBefore = await RingAsync();
        var ipamBefore = await daemon.GetTextAsync("status/ipam");
        var rssBefore = RssKiB(daemon.Pid!.Value);

        var statuses = new Dictionary<int, int>();
        var examples = new Dictionary<int, string>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var inputs = new HttpFuzzInputs(new Random(seed * 17 + w));
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None })
            {
                BaseAddress = daemon.Http.BaseAddress,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var (status, what) = await OneAsync(http, inputs);
                lock (statuses)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    examples.TryAdd(status, what);
                    if (status is not (ClosedDuringUpload or WaitingInFullSubnet) && status is < 200 or (>= 300 and < 400) or >= 500)
                        failures.Add($"{status} {what}");
                }
            }
        })).ToList();
        await Task.WhenAll(workers);

        foreach (var raw in HttpFuzzInputs.RawRequests(daemon.HttpPort))
        {
            var status = await RawAsync(daemon.HttpPort, raw);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            // Kestrel itself answers an unknown protocol version with 505 before any of the daemon's
            // code runs (RFC 9110's status for it); that one request is the only 5xx accepted.
            var acceptable = status is >= 200 and < 300 or >= 400 and < 500 || (status == 505 && raw.Contains(" HTTP/9.9\r\n", StringComparison.Ordinal));
            if (!acceptable)
                failures.Add($"{status} raw {Printable(raw)}");
        }
        var total = statuses.Values.Sum();
        output.WriteLine($"{total} requests in {clock.Elapsed.TotalSeconds:0.0}s: " +
            string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key switch { ClosedDuringUpload => "closed during a large upload", WaitingInFullSubnet => "allocation waiting in a full subnet", < 0 => "no answer", _ => kv.Key.ToString(CultureInfo.InvariantCulture) }}: {kv.Value}")));
        foreach (var (status, what) in examples.OrderBy(kv => kv.Key))
            output.WriteLine($"  e.g. {status}: {what}");
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} answers outside 2xx/4xx or past {RequestBound.TotalSeconds:0}s:\n{string.Join("\n", failures.Take(20))}");
        Assert.True(total > 100, $"only {total} requests: the fuzz tested too little");

        Assert.True(daemon.Running, $"the daemon died under the fuzz; log tail:\n{daemon.LogTail()}");
        var rssAfter = RssKiB(daemon.Pid!.Value);
        output.WriteLine($"RSS {rssBefore / 1024} MiB before, {rssAfter / 1024} MiB after (bound: +{RssGrowthBoundMiB} MiB)");
        Assert.True(rssAfter - rssBefore < RssGrowthBoundMiB * 1024, $"RSS grew from {rssBefore / 1024} to {rssAfter / 1024} MiB");

        // What the fuzzer legitimately allocated or claimed goes; then the ring must be as it was.
        using (var listing = JsonDocument.Parse(await daemon.GetTextAsync("ip")))
        {
            foreach (var e in listing.RootElement.GetProperty("owned").EnumerateArray())
            {
                var id = e.GetProperty("containerid").GetString()!;
                if (id == WarmupId)
                    continue;
                using var r = await daemon.Http.DeleteAsync($"ip/{Uri.EscapeDataString(id)}");
                Assert.True(r.IsSuccessStatusCode, $"deleting the fuzzer's {id}: {(int)r.StatusCode}");
            }
        }
        // Still serving, not merely alive: garbage must not have shut its IPAM down (DELETE /peer/ once did).
        using (var after = await daemon.Http.PostAsync("ip/fuzz-after", null))
            Assert.True(after.StatusCode == System.Net.HttpStatusCode.OK, $"allocation after the fuzz: {(int)after.StatusCode} {await after.Content.ReadAsStringAsync()}");
        using (var freed = await daemon.Http.DeleteAsync("ip/fuzz-after"))
            Assert.True(freed.IsSuccessStatusCode, $"freeing fuzz-after: {(int)freed.StatusCode}");
        Assert.Equal(ringBefore, await RingAsync());
        Assert.Equal(ipamBefore, await daemon.GetTextAsync("status/ipam"));
        Assert.Equal(WarmupId, Assert.Single(JsonDocument.Parse(await daemon.GetTextAsync("ip")).RootElement.GetProperty("owned").EnumerateArray()).GetProperty("containerid").GetString());
    }

    /// <summary>One fuzzed request; the status, or -1 when nothing came back within the bound (or the connection broke).</summary>
    private async Task<(int Status, string What)> OneAsync(HttpClient http, HttpFuzzInputs inputs)
    {
        var (method, path) = inputs.Request();
        var what = $"{method} {Printable(path)}";
        // Absolute, so that a path like //ip stays a path and is not read as a host name.
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri($"http://127.0.0.1:{daemon!.HttpPort}{path}"));
        if (inputs.Body() is { } body)
        {
            request.Content = new ByteArrayContent(body);
            if (inputs.ContentType() is { Length: > 0 } type && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media))
                request.Content.Headers.ContentType = media;
            what += $" body {body.Length} B";
        }
        foreach (var (name, value) in inputs.Headers())
            request.Headers.TryAddWithoutValidation(name, value);
        if (inputs.HostHeader() is { } host)
        {
            request.Headers.TryAddWithoutValidation("Host", host);
            what += $" Host {Printable(host)}";
        }
        using var bound = new CancellationTokenSource(RequestBound);
        try
        {
            using var reply = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, bound.Token);
            return ((int)reply.StatusCode, what);
        }
        catch (OperationCanceledException)
        {
            if (method == "POST" && await SubnetFullAsync(http, path))
                return (WaitingInFullSubnet, what);
            return (-1, what + " (no answer within the bound)");
        }
        catch (HttpRequestException e) when (e.InnerException is IOException && request.Content is { } content && content.Headers.ContentLength >= 64 * 1024)
        {
            // The server answered (or refused) before reading a large body and closed the connection
            // while the client was still sending: an early refusal, not a hang.
            return (ClosedDuringUpload, what);
        }
        catch (HttpRequestException e)
        {
            return (-1, what + $" ({e.Message})");
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is an allocation <c>/ip/{id}/{a.b.c.d}/{n}</c> in a subnet all of
    /// whose allocatable addresses (all but the network and broadcast addresses below /31) are held now.
    /// </summary>
    private static async Task<bool> SubnetFullAsync(HttpClient http, string path)
    {
        var parts = path.Split('?')[0].Split('/');
        if (parts is not ["", "ip", { Length: > 0 }, var address, var length]
            || !System.Net.IPNetwork.TryParse($"{address}/{length}", out var subnet)
            || subnet.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || subnet.PrefixLength < 20)
            return false;
        var size = 1L << (32 - subnet.PrefixLength);
        var allocatable = size <= 2 ? size : size - 2;
        using var listing = JsonDocument.Parse(await http.GetStringAsync("/ip"));
        var held = listing.RootElement.GetProperty("owned").EnumerateArray()
            .SelectMany(e => e.GetProperty("addrs").EnumerateArray())
            .Select(a => System.Net.IPAddress.Parse(a.GetString()!.Split('/')[0]))
            .Distinct()
            .Count(subnet.Contains);
        return held >= allocatable;
    }

    /// <summary>Writes a raw request and reads the status line; -1 for no answer within the bound.</summary>
    private static async Task<int> RawAsync(int port, string raw)
    {
        using var bound = new CancellationTokenSource(RequestBound);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, bound.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.Latin1.GetBytes(raw), bound.Token);
            var buffer = new byte[512];
            var read = 0;
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), bound.Token);
                if (n == 0)
                    break;
                read += n;
            }
            var head = Encoding.Latin1.GetString(buffer, 0, read);
            return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && read >= 12 && int.TryParse(head.AsSpan(9, 3), CultureInfo.InvariantCulture, out var status) ? status : -1;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
        {
            return -1;
        }
    }

    /// <summary>
    /// Tokens and owners of the ring, from /status/json. Not versions: as in Weave, an entry's version
    /// moves whenever its owner reports a new free count, which the fuzzer's legitimate allocations do.
    /// </summary>
    private async Task<string> RingAsync()
    {
        using var report = JsonDocument.Parse(await daemon!.GetTextAsync("status/json"));
        return string.Join(' ', report.RootElement.GetProperty("Entries").EnumerateArray()
            .Select(e => $"{e.GetProperty("Token").GetString()}:{e.GetProperty("Peer").GetString()}"));
    }

    private static long RssKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static string Printable(string s)
    {
        var shown = s.Length > 120 ? s[..120] + $"…({s.Length} chars)" : s;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    public void Dispose()
    {
        daemon?.Dispose();
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
