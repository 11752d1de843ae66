using System.Diagnostics;
using WeaveOrleans.Ipam.Consensus;
using Xunit.Abstractions;

namespace WeaveOrleans.Ipam.Tests.Consensus;

/// <summary>
/// Weave's randomised Paxos test, but with restarts switched on: a restarted node keeps its name and
/// resumes from what it persisted, so it must never let a second value be chosen.
/// </summary>
public class PaxosModelTests(ITestOutputHelper output)
{
    private const int Seeds = 1000;
    private const int MaxFinalRounds = 200;

    [Fact]
    public void Every_node_decides_the_same_value_despite_restarts_partitions_and_rival_proposals()
    {
        var clock = Stopwatch.StartNew();
        int restarts = 0, restartsAfterAcceptance = 0, decidedDuringChaos = 0, maxHealedRounds = 0;
        long sends = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var model = new PaxosModel(seed);
            model.RunChaos(steps: 100 + seed % 1500);
            Assert.True(model.Violation is null, $"{model.Violation}\n{model.Describe()}");
            var converged = model.RunToConsensus(MaxFinalRounds);
            Assert.True(model.Violation is null, $"{model.Violation}\n{model.Describe()}");
            Assert.True(converged, $"no consensus after {MaxFinalRounds} healed rounds\n{model.Describe()}");

            restarts += model.Restarts;
            restartsAfterAcceptance += model.RestartsAfterAnAcceptance;
            decidedDuringChaos += model.ObservedDuringChaos ? 1 : 0;
            sends += model.Sends;
            maxHealedRounds = Math.Max(maxHealedRounds, model.HealedRounds);
        }
        output.WriteLine($"{Seeds} seeds in {clock.ElapsedMilliseconds} ms: {restarts} restarts " +
            $"({restartsAfterAcceptance} of nodes that had accepted), {decidedDuringChaos} decided before healing, " +
            $"{sends} sends, at most {maxHealedRounds} healed rounds");

        // The run is only evidence if restarts actually hit nodes holding acceptances, mid-decision.
        Assert.True(restartsAfterAcceptance > Seeds / 10, $"only {restartsAfterAcceptance} restarts of accepting nodes");
        Assert.True(decidedDuringChaos > Seeds / 10, $"only {decidedDuringChaos} seeds decided during chaos");
    }

    [Fact]
    public void The_model_catches_a_split_decision_when_restarts_forget_promises()
    {
        var caught = Enumerable.Range(0, Seeds).FirstOrDefault(seed =>
        {
            var model = new PaxosModel(seed, forgetOnRestart: true);
            model.RunChaos(steps: 100 + seed % 1500);
            model.RunToConsensus(MaxFinalRounds);
            return model.Violation is not null;
        }, -1);

        Assert.True(caught >= 0, "forgetful restarts never produced a violation; the model is too weak to trust");
        output.WriteLine($"first violation with forgetful restarts at seed {caught}");
    }
}
