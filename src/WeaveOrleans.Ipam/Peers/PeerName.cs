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

    /// <summary>
    /// Six hex groups, or Weave's short forms where one <c>::</c> stands for the zero bytes left out
    /// (<c>::1</c> is 00:00:00:00:00:01, <c>a:b::f</c> is 0a:0b:00:00:00:0f). Each group is one or two
    /// hex digits; with <c>::</c>, from one to four groups may be given, as in Weave.
    /// </summary>
    public static bool TryParse(string? text, out PeerName name, out string error)
    {
        name = None;
        var trimmed = (text ?? "").Trim();
        var halves = trimmed.Split("::");
        string[] groups;
        if (halves.Length == 1)
        {
            groups = trimmed.Split(':');
            if (groups.Length != 6)
                return Invalid(text, "expected six hex pairs like 00:11:22:33:44:55, or a short form like ::1", out error);
        }
        else if (halves.Length == 2)
        {
            var left = halves[0].Length == 0 ? [] : halves[0].Split(':');
            var right = halves[1].Length == 0 ? [] : halves[1].Split(':');
            if (left.Length + right.Length is 0 or > 4)
                return Invalid(text, "a short form with :: gives from one to four hex groups", out error);
            groups = [.. left, .. Enumerable.Repeat("0", 6 - left.Length - right.Length), .. right];
        }
        else
            return Invalid(text, ":: may appear only once", out error);
        ulong value = 0;
        foreach (var part in groups)
        {
            if (part.Length is 0 or > 2 || !part.All(char.IsAsciiHexDigit))
                return Invalid(text, $"\"{part}\" is not a hex byte", out error);
            value = (value << 8) | byte.Parse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        name = new PeerName(value);
        error = "";
        return true;
    }

    private static bool Invalid(string? text, string why, out string error)
    {
        error = $"invalid peer name \"{text}\": {why}";
        return false;
    }

    public override string ToString()
    {
        var v = Value;
        return string.Join(':', Enumerable.Range(0, 6).Select(i => ((v >> (40 - 8 * i)) & 0xff).ToString("x2", CultureInfo.InvariantCulture)));
    }
}
