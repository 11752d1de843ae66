namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// When an elector waiting for agreement proposes again. Re-proposing on every tick outbids ballots
/// still on their way: over relays (a host at its connection limit reaches a quorum only through
/// others) a ballot's promises take several hops to come back, and proposers that each outbid the
/// others every tick never let one win. So an elector re-proposes only after ticks in which it
/// learnt nothing (the network has gone quiet: the ballots under way have stalled), one at first,
/// doubling with each re-proposal up to <see cref="MaxQuietTicks"/>; and while it has promised
/// another's ballot it gives that proposer <see cref="TicksBeforeOutbidding"/> ticks more to renew
/// its own ballot first, so that a slow ballot is renewed by its proposer rather than duelled.
/// </summary>
internal sealed class ReproposeTimer
{
    public const int MaxQuietTicks = 16;
    public const int TicksBeforeOutbidding = 3;

    private int _wait = 1;
    private int _quiet;

    /// <summary>Quiet ticks the next re-proposal waits for (not counting <see cref="TicksBeforeOutbidding"/>).</summary>
    public int Wait => _wait;

    /// <summary>Something new about the agreement arrived: the ballots under way are alive.</summary>
    public void Heard() => _quiet = 0;

    /// <summary>One tick passed; true when it is time to propose again (and the next wait doubles).</summary>
    public bool Tick(bool followingAnother)
    {
        _quiet++;
        if (_quiet < _wait + (followingAnother ? TicksBeforeOutbidding : 0))
            return false;
        _quiet = 0;
        _wait = Math.Min(_wait * 2, MaxQuietTicks);
        return true;
    }
}
