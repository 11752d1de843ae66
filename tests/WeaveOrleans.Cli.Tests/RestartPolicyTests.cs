namespace WeaveOrleans.Cli.Tests;

public sealed class RestartPolicyTests
{
    [Fact]
    public void A_crash_or_kill_is_restarted_with_a_delay_that_doubles_to_its_cap()
    {
        var policy = new RestartPolicy();
        var delays = Enumerable.Range(0, 7).Select(_ => policy.After(137, served: true, TimeSpan.FromSeconds(2))!.Value.TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
    }

    [Fact]
    public void A_daemon_that_served_a_while_before_dying_starts_again_from_the_first_delay()
    {
        var policy = new RestartPolicy();
        policy.After(1, served: true, TimeSpan.FromSeconds(1));
        policy.After(1, served: true, TimeSpan.FromSeconds(1));
        Assert.Equal(RestartPolicy.FirstDelay, policy.After(1, served: true, RestartPolicy.Healthy));
    }

    [Theory]
    [InlineData(0, true)]   // weave stop (SIGTERM) or DELETE /peer: a clean exit
    [InlineData(2, true)]   // its settings were refused: starting again would fail again
    [InlineData(1, false)]  // it never served: a start-up failure for weave launch to report
    [InlineData(137, false)]
    public void Clean_exits_refused_settings_and_start_up_failures_are_not_restarted(int exitCode, bool served) =>
        Assert.Null(new RestartPolicy().After(exitCode, served, TimeSpan.FromSeconds(5)));
}
