namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// At most one warning per window for one kind of event that strangers can cause at will; the
/// rest go to Debug, and the next warning says how many there were.
/// </summary>
internal sealed class LogThrottle(TimeSpan window)
{
    private readonly object _lock = new();
    private long _windowStart = long.MinValue;
    private int _unsaid;

    /// <summary>True when this one may be a warning; <paramref name="unsaid"/> is how many were not since the last.</summary>
    public bool TryWarn(out int unsaid)
    {
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (_windowStart != long.MinValue && now - _windowStart < (long)window.TotalMilliseconds)
            {
                _unsaid++;
                unsaid = 0;
                return false;
            }
            _windowStart = now;
            unsaid = _unsaid;
            _unsaid = 0;
            return true;
        }
    }
}
