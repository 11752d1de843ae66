using System.Diagnostics;

namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// <c>POST /ip/{id}</c> for ids 0..total-1 from <paramref name="clients"/> keep-alive connections at once,
/// each client taking a contiguous block; every answer must succeed and is read to the end.
/// </summary>
public static class KeepAlivePosts
{
    /// <returns>Each request's latency in ms (by id) and the wall time of the whole run.</returns>
    public static async Task<(double[] Latencies, TimeSpan Wall)> RunAsync(Uri baseAddress, int clients, int total, Func<int, string> id)
    {
        var per = total / clients;
        var latencies = new double[per * clients];
        var handlers = Enumerable.Range(0, clients)
            .Select(_ => new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) })
            .ToArray();
        var wall = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                for (var i = c * per; i < (c + 1) * per; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    using var r = await handlers[c].PostAsync($"ip/{id(i)}", null);
                    r.EnsureSuccessStatusCode();
                    _ = await r.Content.ReadAsStringAsync();
                    latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
            })));
            return (latencies, wall.Elapsed);
        }
        finally
        {
            foreach (var h in handlers)
                h.Dispose();
        }
    }
}
