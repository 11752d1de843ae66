namespace WeaveOrleans.Storage.Tests.Support;

internal static class Deadline
{
    /// <summary>Polls until the condition holds; fails the test if it does not within the timeout.</summary>
    public static async Task Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"timed out waiting for {what}");
            }
            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
