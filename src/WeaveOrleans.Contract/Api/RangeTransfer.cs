namespace WeaveOrleans.Contract.Api;

/// <summary>
/// Part of the range that changed owner, as this peer saw its ring change: <see cref="Kind"/> is
/// <see cref="Donation"/>, <see cref="RemovePeer"/> or <see cref="Reset"/>; <see cref="Addresses"/>
/// counts what moved from <see cref="From"/> to <see cref="To"/>, <see cref="Ranges"/> names it.
/// </summary>
public sealed record RangeTransfer(
    DateTimeOffset At,
    string Kind,
    string From,
    string? FromNickname,
    string To,
    string? ToNickname,
    string Addresses,
    string[] Ranges)
{
    public const string Donation = "donation";
    public const string RemovePeer = "rmpeer";
    public const string Reset = "reset";
}
