namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// This disk's own rate for one-at-a-time durable writes: append 100 bytes and fsync, in a file in
/// the directory the daemon writes to (as ../shared/bench/weave-baseline/fsync_rate.py does). A
/// daemon that persists before it answers cannot beat this with one client; it is the ceiling.
/// </summary>
public static class FsyncRate
{
    public static double Measure(string directory, int count = 1000)
    {
        var path = Path.Combine(directory, $"fsync-probe-{Environment.ProcessId}.dat");
        var payload = new byte[100];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (var i = 0; i < count; i++)
            {
                file.Write(payload);
                file.Flush(flushToDisk: true);
            }
        }
        var rate = count / clock.Elapsed.TotalSeconds;
        File.Delete(path);
        return rate;
    }
}
