using System.Diagnostics;

namespace WeaveOrleans.Docker.Tests.Support;

/// <summary>Polls a condition until a deadline; the wait is never the synchronisation itself.</summary>
public static class Eventually
{
    public static async Task True(Func<bool> condition, string what, double seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"timed out after {seconds} s waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
