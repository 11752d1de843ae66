using System.Globalization;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Peers;

/// <summary>
/// A peer's stable identity: 48 bits written like a MAC address ("aa:bb:cc:dd:ee:ff"), as Weave
/// names its routers. Ordering is numeric, which fixes the order of the initial split and tie-breaks.
/// </summary>
public readonly record struct PeerName(ulong Value) : IComparable<PeerName>
{
    public const ulong MaxValue = (1UL << 48) - 1;

    public static readonly PeerName None = new(0);

    public int CompareTo(PeerName other) => Value.CompareTo(other.Value);

    public static bool operator <(PeerName a, PeerName b) => a.Value < b.Value;
    public static bool operator >(PeerName a, PeerName b) => a.Value > b.Value;
    public static bool operator <=(PeerName a, PeerName b) => a.Value <= b.Value;
    public static bool operator >=(PeerName a, PeerName b) => a.Value >= b.Value;

    public static PeerName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new IpamFormatException(error);

    public static bool TryParse(string? text, out PeerName name, out string error)
    {
        name = None;
        var parts = (text ?? "").Trim().Split(':');
        if (parts.Length != 6)
        {
            error = $"invalid peer name \"{text}\": expected six hex pairs like 00:11:22:33:44:55";
            return false;
        }
        ulong value = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                error = $"invalid peer name \"{text}\": \"{part}\" is not a hex byte";
                return false;
            }
            value = (value << 8) | b;
        }
        name = new PeerName(value);
        error = "";
        return true;
    }

    public override string ToString()
    {
        var v = Value;
        return string.Join(':', Enumerable.Range(0, 6).Select(i => ((v >> (40 - 8 * i)) & 0xff).ToString("x2", CultureInfo.InvariantCulture)));
    }
}
