namespace WeaveOrleans.Cli;

/// <summary>
/// When the supervisor of <c>weave launch</c> starts the daemon again (Weave's router ran with a
/// restart policy): after a crash or a kill, never after a clean stop (exit 0, which is also what
/// SIGTERM from <c>weave stop</c> gives) or a refusal of its settings (exit 2), and never for a daemon
/// that has not once served since launch (that is a start-up failure for <c>weave launch</c> to
/// report, not a crash). Waits 1 s, doubling to 30 s while the daemon keeps dying young.
/// </summary>
public sealed class RestartPolicy
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>A daemon that served this long before it died is not crash-looping: the delay starts again from <see cref="FirstDelay"/>.</summary>
    public static readonly TimeSpan Healthy = TimeSpan.FromSeconds(60);

    private TimeSpan _next = FirstDelay;

    /// <summary>The delay before the next start, or null to stop supervising.</summary>
    public TimeSpan? After(int exitCode, bool served, TimeSpan ranFor)
    {
        if (exitCode is 0 or 2 || !served)
            return null;
        if (ranFor >= Healthy)
            _next = FirstDelay;
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, MaxDelay.Ticks));
        return delay;
    }
}
