using System.Runtime.InteropServices;

namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// This disk's own rates for one-at-a-time durable writes, in the directory the daemon writes to. A
/// daemon that persists before it answers cannot beat the rate of the sync it does with one client.
/// </summary>
/// <remarks>
/// Two probes, because they differ several-fold on ext4: <see cref="Append"/> (100 bytes appended, then
/// fsync: what ../shared/bench/weave-baseline/fsync_rate.py and the figure measure; the file grows,
/// so every sync also commits the journal) and <see cref="Overwrite"/> (4 KiB rewritten in place in a
/// preallocated file, then fdatasync: what SQLite's WAL commit costs once the WAL has reached its size).
/// </remarks>
public static class FsyncRate
{
    public static double Append(string directory, int count = 1000) => Probe(directory, count, overwrite: false);

    public static double Overwrite(string directory, int count = 1000) => Probe(directory, count, overwrite: true);

    private static double Probe(string directory, int count, bool overwrite)
    {
        var path = Path.Combine(directory, $"fsync-probe-{Environment.ProcessId}.dat");
        var payload = new byte[overwrite ? 4096 : 100];
        double rate;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            if (overwrite)
            {
                for (var i = 0; i < 64; i++)
                    file.Write(payload);
                file.Flush(flushToDisk: true);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                if (overwrite)
                {
                    file.Position = i % 64 * 4096L;
                    file.Write(payload);
                    if (FdataSync(file.SafeFileHandle.DangerousGetHandle().ToInt32()) != 0)
                        throw new IOException($"fdatasync: errno {Marshal.GetLastPInvokeError()}");
                }
                else
                {
                    file.Write(payload);
                    file.Flush(flushToDisk: true);
                }
            }
            rate = count / clock.Elapsed.TotalSeconds;
        }
        File.Delete(path);
        return rate;
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(int fd);
}
