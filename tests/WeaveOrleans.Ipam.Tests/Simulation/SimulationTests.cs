using WeaveOrleans.Simulation;

namespace WeaveOrleans.Ipam.Tests.Simulation;

public class SimulationTests
{
    private static readonly SimulationOptions Short = new() { Steps = 150 };

    [Fact]
    public void The_same_seed_replays_the_same_run()
    {
        var first = new SimulationRun(4242, Short).Run();
        var second = new SimulationRun(4242, Short).Run();
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.Delivered, second.Delivered);
        Assert.True(first.Trace.Count > 50, "the run should have done something");
    }

    [Fact]
    public void Different_seeds_make_different_runs() =>
        Assert.NotEqual(new SimulationRun(1, Short).Run().Trace, new SimulationRun(2, Short).Run().Trace);

    /// <summary>Seeds of the driver's 100,000-seed run that failed (6886: address held twice; 38801: the simulated operator ran rmpeer of one host on two hosts; 33570: the simulated operator, told 'remove it first', removed the dead remover and then stopped instead of removing again the peer it had been refused: its ranges counted as leaked; 27564 and 36048: the simulated operator's rmpeer failed twice, on a storage write failure and then with 'try again in a moment', and it stopped as soon as the rings agreed instead of trying again).</summary>
    [Theory]
    [InlineData(6886)]
    [InlineData(38801)]
    [InlineData(33570)]
    [InlineData(27564)]
    [InlineData(36048)]
    public void Seeds_that_once_failed_pass(int seed)
    {
        var result = new SimulationRun(seed, new SimulationOptions()).Run();
        Assert.True(result.Violation is null, $"{result.Violation?.Message}\n{string.Join("\n", result.Trace.TakeLast(40))}");
    }

    [Fact]
    public void A_hundred_seeds_keep_every_promise()
    {
        var summary = new SimulationSummary();
        for (var seed = 1; seed <= 100; seed++)
            summary.Add(new SimulationRun(seed, Short).Run());
        Assert.True(summary.Violations == 0, summary.Report(TimeSpan.FromSeconds(1)));
        // The storage faults are really injected, through the driver and the disk, in these seeds.
        foreach (var fault in new[] { "storage write failed", "storage batch lost at crash", "storage write torn at crash", "storage failure restarted the driver" })
            Assert.True(summary.Faults.GetValueOrDefault(fault) > 0, $"no '{fault}' in 100 seeds: {summary.Report(TimeSpan.FromSeconds(1))}");
    }

    /// <summary>
    /// The ordinary faults at fifty peers, a short sample; <c>--peers 50..50</c>, <c>100..100</c> and
    /// <c>200..200</c> run more.
    /// </summary>
    [Fact]
    public void A_seed_at_fifty_peers_keeps_every_promise()
    {
        var result = new SimulationRun(1, new SimulationOptions { MinPeers = 50, MaxPeers = 50, Steps = 40 }).Run();
        Assert.True(result.Violation is null, $"{result.Violation?.Message}\n{string.Join("\n", result.Trace.TakeLast(40))}");
    }
}
