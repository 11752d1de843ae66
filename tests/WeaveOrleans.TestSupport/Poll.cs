using System.Diagnostics;

namespace WeaveOrleans.TestSupport;

/// <summary>Waiting on a real daemon without sleeps standing in for synchronisation: poll with a deadline.</summary>
public static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls until <paramref name="done"/> holds; fails with <paramref name="what"/> at the deadline. Returns how long it took.</summary>
    public static async Task<TimeSpan> Until(Func<Task<bool>> done, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < deadline, $"not within {deadline.TotalSeconds:0} s: {what}");
            await Task.Delay(Interval);
        }
        return clock.Elapsed;
    }

    /// <summary>Checks <paramref name="holds"/> again and again until <paramref name="span"/> has passed.</summary>
    public static async Task Throughout(Func<Task<bool>> holds, TimeSpan span, string what)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            Assert.True(await holds(), $"after {clock.Elapsed.TotalSeconds:0.0} s: {what}");
            await Task.Delay(Interval);
        }
        while (clock.Elapsed < span);
        Assert.True(await holds(), $"at the end: {what}");
    }
}
