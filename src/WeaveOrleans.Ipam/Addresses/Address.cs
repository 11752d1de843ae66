using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WeaveOrleans.Ipam.Addresses;

/// <summary>
/// One IP address as a point on a single 128-bit line. IPv4 addresses live at their IPv4-mapped
/// IPv6 position (::ffff:a.b.c.d), so the ring and the free list need only one arithmetic and IPv6
/// can be switched on later without touching them.
/// </summary>
public readonly record struct Address(UInt128 Value) : IComparable<Address>
{
    internal static readonly UInt128 V4Prefix = (UInt128)0xffff << 32;

    public static Address FromV4(uint v4) => new(V4Prefix | v4);

    public bool IsV4 => (Value >> 32) == 0xffff;

    /// <summary>Bits in this address's family: 32 for IPv4, 128 for IPv6.</summary>
    public int FamilyBits => IsV4 ? 32 : 128;

    public int CompareTo(Address other) => Value.CompareTo(other.Value);

    public static bool operator <(Address a, Address b) => a.Value < b.Value;
    public static bool operator >(Address a, Address b) => a.Value > b.Value;
    public static bool operator <=(Address a, Address b) => a.Value <= b.Value;
    public static bool operator >=(Address a, Address b) => a.Value >= b.Value;

    public static Address operator +(Address a, UInt128 n) => new(a.Value + n);
    public static Address operator -(Address a, UInt128 n) => new(a.Value - n);

    /// <summary>The number of addresses from <paramref name="b"/> up to (not including) <paramref name="a"/>.</summary>
    public static UInt128 operator -(Address a, Address b) => a.Value - b.Value;

    public static Address Min(Address a, Address b) => a <= b ? a : b;
    public static Address Max(Address a, Address b) => a >= b ? a : b;

    public static Address Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new IpamFormatException(error);

    public static bool TryParse(string? text, out Address address, out string error)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty IP address";
            return false;
        }
        text = text.Trim();
        if (text.Contains(':'))
        {
            if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"invalid IP address \"{text}\"";
                return false;
            }
            Span<byte> bytes = stackalloc byte[16];
            ip.TryWriteBytes(bytes, out _);
            address = new Address(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
            error = "";
            return true;
        }
        // IPAddress.TryParse accepts "10", "10.1" and octal forms; a network tool must not.
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            error = $"invalid IP address \"{text}\": expected four dotted numbers";
            return false;
        }
        uint value = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit)
                || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                error = $"invalid IP address \"{text}\": \"{part}\" is not a number";
                return false;
            }
            if (octet > 255)
            {
                error = $"invalid IP address \"{text}\": {octet} is larger than 255";
                return false;
            }
            value = (value << 8) | octet;
        }
        address = FromV4(value);
        error = "";
        return true;
    }

    public override string ToString()
    {
        if (IsV4)
        {
            var v = (uint)(Value & uint.MaxValue);
            return $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";
        }
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes).ToString();
    }
}
