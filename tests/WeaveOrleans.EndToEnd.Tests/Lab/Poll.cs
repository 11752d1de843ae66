using System.Diagnostics;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>Waiting on real processes with a deadline instead of sleeps.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Polls until <paramref name="done"/> holds; fails naming <paramref name="what"/> at the deadline. Returns how long it took.</summary>
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

    /// <summary>Checks <paramref name="holds"/> repeatedly for <paramref name="span"/>: for something that must not happen.</summary>
    public static async Task Throughout(Func<Task<bool>> holds, TimeSpan span, string what)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            Assert.True(await holds(), $"after {clock.Elapsed.TotalSeconds:0.0} s: {what}");
            await Task.Delay(Interval);
        }
        while (clock.Elapsed < span);
    }
}
