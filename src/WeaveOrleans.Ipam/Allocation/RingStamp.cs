namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// A point in one peer's ring history: <see cref="Epoch"/> names the incarnation (drawn afresh each
/// time the engine starts, because change stamps restart from zero then), <see cref="Stamp"/> is the
/// ring's change stamp within it.
/// </summary>
public readonly record struct RingStamp(ulong Epoch, ulong Stamp)
{
    public override string ToString() => $"{Epoch:x}:{Stamp}";
}
