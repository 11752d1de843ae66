using System.Globalization;
using Xunit.Abstractions;

namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>
/// Real daemons in network namespaces under a seeded schedule of partitions, one-way drops, kill -9
/// and restarts, pauses and one rmpeer, with clients on every host. By default a short run of three
/// hosts (CI); WEAVE_NEMESIS_SECONDS, WEAVE_NEMESIS_SEED, WEAVE_NEMESIS_HOSTS and
/// WEAVE_NEMESIS_CLIENTS make it longer, replay a seed, or widen it.
/// </summary>
public sealed class NemesisTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Daemons_under_partitions_kills_pauses_and_rmpeer_never_duplicate_or_lose_an_acknowledged_address()
    {
        var unavailable = NetLab.Unavailable();
        Skip.If(unavailable is not null, $"the nemesis needs network namespaces: {unavailable}");
        var seed = Setting("WEAVE_NEMESIS_SEED", Random.Shared.Next(1, 1_000_000));
        var seconds = Setting("WEAVE_NEMESIS_SECONDS", 50);
        var hostCount = Setting("WEAVE_NEMESIS_HOSTS", 3);
        var clients = Setting("WEAVE_NEMESIS_CLIENTS", 2);
        var workDir = Directory.CreateTempSubdirectory("nemesis-").FullName;
        output.WriteLine($"nemesis seed {seed} (replay: WEAVE_NEMESIS_SEED={seed} WEAVE_NEMESIS_SECONDS={seconds} WEAVE_NEMESIS_HOSTS={hostCount}), work dir {workDir}");

        var result = await NemesisRun.RunAsync(new NemesisOptions(seed, hostCount, seconds, clients, workDir, output.WriteLine));

        output.WriteLine(result.Summary());
        Assert.True(result.Violations.Count == 0,
            $"seed {seed}: {result.Violations.Count} violations (history in {result.HistoryPath}):\n{string.Join("\n", result.Violations.Take(20))}");
        Assert.True(result.Operations.Count(o => o.Acked) > 0, "no operation was acknowledged: the run tested nothing");
        Assert.Contains(result.Faults, f => f.Kind == "rmpeer" || hostCount < 3);
        Directory.Delete(workDir, recursive: true);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
