using System.Globalization;
using System.Numerics;
using WeaveOrleans.Grains;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// <c>GET /ipam/data</c>: what the IPAM page draws, refreshed by the page every second. Counts are
/// strings (a range can be larger than a JavaScript number holds exactly); the fractions are only for
/// drawing.
/// </summary>
internal sealed record IpamPageView(
    string Peer,
    string Nickname,
    string Status,
    string Range,
    string RangeSize,
    string DefaultSubnet,
    int ActiveIPs,
    IpamPageSegment[] Segments,
    IpamPageShare[] Shares,
    IpamPageSubnet[] Subnets,
    string[] PendingAllocates,
    string[] PendingClaims,
    IpamPageTransfer[] Transfers,
    string? LastMergeError,
    DateTimeOffset GeneratedAt)
{
    public const string Self = "self";
    public const string Reachable = "reachable";
    public const string Unreachable = "unreachable";

    public static IpamPageView From(IpamStatus status, DateTimeOffset now)
    {
        var rangeSize = Count(status.RangeNumIPs);
        double Fraction(BigInteger part) => rangeSize.IsZero ? 0 : (double)part / (double)rangeSize;
        string StateOf(string peer, bool reachable) =>
            string.Equals(peer, status.PeerName, StringComparison.OrdinalIgnoreCase) ? Self : reachable ? Reachable : Unreachable;

        var segments = status.Entries
            .Select(e => new IpamPageSegment(e.Token, e.Size, e.Free, Fraction(Count(e.Size)), e.Peer, e.Nickname, StateOf(e.Peer, e.IsKnownPeer)))
            .ToArray();
        var shares = status.Entries
            .GroupBy(e => e.Peer, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var size = g.Aggregate(BigInteger.Zero, (sum, e) => sum + Count(e.Size));
                var free = g.All(e => e.Free is not null) ? g.Aggregate(BigInteger.Zero, (sum, e) => sum + Count(e.Free)).ToString(CultureInfo.InvariantCulture) : null;
                return new IpamPageShare(g.Key, g.First().Nickname, size.ToString(CultureInfo.InvariantCulture), Fraction(size) * 100.0, free, StateOf(g.Key, g.First().IsKnownPeer));
            })
            .OrderByDescending(s => s.State == Self).ThenBy(s => s.Peer, StringComparer.Ordinal)
            .ToArray();
        var subnets = (status.Subnets ?? [])
            .Select(s =>
            {
                var size = Count(s.Size);
                return new IpamPageSubnet(s.Subnet, s.Size, s.Allocated, size.IsZero ? 0 : s.Allocated * 100.0 / (double)size);
            })
            .ToArray();
        // Newest first: the page lists the latest at the top.
        var transfers = (status.Transfers ?? [])
            .Reverse()
            .Select(t => new IpamPageTransfer(t.At, t.Kind, t.From, t.FromNickname, t.To, t.ToNickname, t.Addresses, t.Ranges))
            .ToArray();
        return new IpamPageView(
            status.PeerName, status.Nickname, status.Line, status.Range, status.RangeNumIPs, status.DefaultSubnet, status.ActiveIPs,
            segments, shares, subnets, status.PendingAllocates, status.PendingClaims, transfers, status.LastMergeError, now);
    }

    private static BigInteger Count(string? text) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : BigInteger.Zero;
}

/// <summary>One ring entry: <see cref="Peer"/> owns <see cref="Size"/> addresses from <see cref="Start"/>, <see cref="Free"/> of them free as it last said.</summary>
internal sealed record IpamPageSegment(string Start, string Size, string? Free, double Fraction, string Peer, string? Nickname, string State);

/// <summary>One peer's part of the range; <see cref="State"/> is self, reachable or unreachable.</summary>
internal sealed record IpamPageShare(string Peer, string? Nickname, string Size, double Percent, string? Free, string State);

internal sealed record IpamPageSubnet(string Subnet, string Size, int Held, double Percent);

internal sealed record IpamPageTransfer(DateTimeOffset At, string Kind, string From, string? FromNickname, string To, string? ToNickname, string Addresses, string[] Ranges);
