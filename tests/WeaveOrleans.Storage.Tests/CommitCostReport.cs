using System.Diagnostics;
using Microsoft.Data.Sqlite;
using WeaveOrleans.Storage.Sqlite;
using WeaveOrleans.Storage.Tests.Support;
using Xunit.Abstractions;

namespace WeaveOrleans.Storage.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}

/// <summary>
/// Prints what a durable commit costs (run with --logger "console;verbosity=detailed" to see it). Timings are
/// reported, not asserted: they depend on the disk. Only functional outcomes are checked.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class CommitCostReport(ITestOutputHelper output) : IDisposable
{
    private const int Samples = 300;
    private const int Committers = 8;
    private const int CommitsPerCommitter = 100;
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task One_row_commit_latency_does_not_grow_with_rows_held()
    {
        await using var store = new SqliteAllocatorStore(directory.Path);
        output.WriteLine($"sqlite synchronous on allocator files: {await SynchronousSetting(store.PathFor("small"), store)} (2 = FULL)");
        foreach (var (host, held) in new[] { ("small", 10), ("large", 100_000) })
        {
            await store.CommitAsync(host, new StateChange(Parts.Ring("ring"), HeldRows(held)), CancellationToken.None);
            var latencies = new double[Samples];
            for (var i = 0; i < Samples; i++)
            {
                var change = StateChange.Row($"new-{i:D4}", Bytes.Of("10.40.0.1/12"));
                var clock = Stopwatch.StartNew();
                await store.CommitAsync(host, change, CancellationToken.None);
                latencies[i] = clock.Elapsed.TotalMilliseconds;
            }
            Array.Sort(latencies);
            output.WriteLine($"sqlite fsync on, {held,7} rows held: one-row commit p50 {Percentile(latencies, 0.50):F3} ms, p99 {Percentile(latencies, 0.99):F3} ms");
            Assert.Equal(held + Samples, (await store.LoadAsync(host, CancellationToken.None))!.Rows.Count);
        }
    }

    [Fact]
    public async Task Eight_committers_with_and_without_group_commit()
    {
        // Alternating rounds and medians, because a shared machine's fsync time drifts between runs.
        const int rounds = 5;
        var rates = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
        var transactions = new Dictionary<bool, List<long>> { [false] = [], [true] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var grouped in new[] { false, true })
            {
                var (rate, used) = await MeasureCommitters(Path.Combine(directory.Path, $"{round}-{grouped}"), grouped);
                rates[grouped].Add(rate);
                transactions[grouped].Add(used);
            }
        }
        foreach (var grouped in new[] { false, true })
        {
            output.WriteLine($"sqlite, {Committers} committers x {CommitsPerCommitter} commits, group commit {(grouped ? "on " : "off")}: " +
                $"median {Median(rates[grouped]),6:F0} commits/s (rounds: {string.Join(", ", rates[grouped].Select(r => r.ToString("F0")))}), " +
                $"transactions per {Committers * CommitsPerCommitter} commits: {string.Join(", ", transactions[grouped])}");
        }
    }

    private static async Task<(double Rate, long Transactions)> MeasureCommitters(string path, bool grouped)
    {
        var raw = new SqliteAllocatorStore(path);
        IAllocatorStore store = grouped ? new GroupCommitStore(raw) : raw;
        await store.CommitAsync("host", StateChange.Part("ring", Bytes.Of("ring")), CancellationToken.None);
        var before = raw.CommittedTransactions;

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Committers).Select(committer => Task.Run(async () =>
        {
            for (var i = 0; i < CommitsPerCommitter; i++)
            {
                await store.CommitAsync("host", StateChange.Row($"c{committer}-{i}", Bytes.Of("10.32.0.1/12")), CancellationToken.None);
            }
        })));
        var elapsed = clock.Elapsed;

        const int total = Committers * CommitsPerCommitter;
        Assert.Equal(total, (await store.LoadAsync("host", CancellationToken.None))!.Rows.Count);
        var used = raw.CommittedTransactions - before;
        await ((IAsyncDisposable)store).DisposeAsync();
        return (total / elapsed.TotalSeconds, used);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    public void Dispose() => directory.Dispose();

    private static Dictionary<string, byte[]?> HeldRows(int count)
    {
        var rows = new Dictionary<string, byte[]?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            rows[$"{i:x12}{i:x12}{i:x12}{i:x12}{i:x16}"] = Bytes.Of($"10.{32 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/12");
        }
        return rows;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>Reads the default a fresh connection gets and what the store sets on its own.</summary>
    private static async Task<string> SynchronousSetting(string file, SqliteAllocatorStore store)
    {
        await store.CommitAsync("small", StateChange.Part("ring", Bytes.Of("ring")), CancellationToken.None);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        return $"default for a new connection {await command.ExecuteScalarAsync()}, store sets {SqliteStoreSql.OpenPragmas.Split('\n')[1].Trim()}";
    }
}
