namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// The entries changed since <paramref name="stamp"/> (a past <see cref="ChangeStamp"/>), for a peer
    /// known to hold everything up to then: gossip then costs what changed, not the whole ring. The
    /// seeds stay out: a delta is only ever merged into a ring that has them already.
    /// </summary>
    public RingData DeltaSince(ulong stamp) =>
        new(Universe, [], [.. _slots.Where(s => s.Stamp > stamp).Select(s => s.Entry)], IsDelta: true);

    /// <summary>
    /// Moves the change stamp on without changing an entry, for news that travels with the ring but is
    /// not part of it (nicknames, removals): a peer that holds a later stamp then has that news too.
    /// </summary>
    internal ulong Touch() => ++ChangeStamp;
}
