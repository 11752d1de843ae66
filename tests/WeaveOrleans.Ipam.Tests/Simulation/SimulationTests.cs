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
}
