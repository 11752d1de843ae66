namespace WeaveOrleans.Grains;

/// <summary>
/// Part of the range that changed owner, as this peer saw its ring change: <see cref="Kind"/> is
/// <see cref="Donation"/>, <see cref="RemovePeer"/> or <see cref="Reset"/>; <see cref="Addresses"/>
/// counts what moved from <see cref="From"/> to <see cref="To"/>, <see cref="Ranges"/> names it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RangeTransfer(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string From,
    [property: Id(3)] string? FromNickname,
    [property: Id(4)] string To,
    [property: Id(5)] string? ToNickname,
    [property: Id(6)] string Addresses,
    [property: Id(7)] string[] Ranges)
{
    public const string Donation = "donation";
    public const string RemovePeer = "rmpeer";
    public const string Reset = "reset";
}
