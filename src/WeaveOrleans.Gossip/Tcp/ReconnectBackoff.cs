namespace WeaveOrleans.Gossip.Tcp;

/// <summary>
/// Exponential back-off with jitter, so peers that lost each other at the same instant do not all
/// redial in lock-step. Random is injected so tests and simulations are repeatable.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private TimeSpan _next;

    public void Reset() => _next = TimeSpan.Zero;

    /// <summary>A delay in [half, full] of the current step; the step then doubles up to the maximum.</summary>
    public TimeSpan Next()
    {
        if (_next == TimeSpan.Zero) _next = initial;
        double factor;
        lock (random) factor = 0.5 + random.NextDouble() * 0.5;
        var delay = _next * factor;
        _next = _next * 2 > max ? max : _next * 2;
        return delay;
    }
}
