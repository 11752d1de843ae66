using Microsoft.Extensions.Logging;

namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Refused connections are counted one by one (<see cref="TransportStats.ConnectionsRefused"/>) but
/// warned about at most once per window, with how many were left unsaid: a flood of strangers must
/// not become a flood of log lines.
/// </summary>
internal sealed class RefusalLog(ILogger logger, TransportStats stats, TimeSpan window)
{
    private readonly LogThrottle _throttle = new(window);

    public void Refused(string direction, string remote, string reason)
    {
        stats.RecordRefusal();
        if (!_throttle.TryWarn(out var unsaid))
            logger.LogDebug("Refused connection {Direction} {Remote}: {Reason}", direction, remote, reason);
        else if (unsaid == 0)
            logger.LogWarning("Refused connection {Direction} {Remote}: {Reason}", direction, remote, reason);
        else
            logger.LogWarning("Refused connection {Direction} {Remote}: {Reason} ({Unsaid} more refused since the last warning)", direction, remote, reason, unsaid);
    }
}
