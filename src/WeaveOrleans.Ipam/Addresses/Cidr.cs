using System.Globalization;

namespace WeaveOrleans.Ipam.Addresses;

/// <summary>
/// An address with a prefix length, as users write it ("10.2.3.0/24"). The address may carry host
/// bits ("10.2.3.7/24" names one address and its subnet); <see cref="ParseSubnet"/> refuses those.
/// </summary>
public readonly record struct Cidr(Address Address, int PrefixLength)
{
    /// <summary>Subnets smaller than this cannot hold a host once network and broadcast are set aside.</summary>
    public const int MinSubnetSize = 4;

    private int HostBits => Address.FamilyBits - PrefixLength;

    public UInt128 Size => UInt128.One << HostBits;

    public Address Network => new(Address.Value & ~(Size - 1));

    public bool IsSubnet => Address == Network;

    /// <summary>The whole block [network, broadcast].</summary>
    public AddressRange Range => new(Network, Network + Size);

    /// <summary>The block without its network and broadcast addresses: the only ones ever handed out.</summary>
    public AddressRange HostRange => Size < MinSubnetSize ? Range : new(Network + 1, Network + Size - 1);

    public Cidr WithAddress(Address address) => new(address, PrefixLength);

    public static Cidr Parse(string text) =>
        TryParse(text, out var cidr, out var error) ? cidr : throw new IpamFormatException(error);

    /// <summary>Parses a subnet that addresses can be allocated in: no host bits set and at least <see cref="MinSubnetSize"/> addresses.</summary>
    public static Cidr ParseSubnet(string text)
    {
        var cidr = Parse(text);
        var problem = cidr.SubnetProblem();
        return problem is null ? cidr : throw new IpamFormatException(problem);
    }

    /// <summary>Why this cannot be used as an allocation subnet, or null when it can.</summary>
    public string? SubnetProblem()
    {
        if (!IsSubnet)
            return $"invalid subnet - {this} has host bits set (did you mean {Network}/{PrefixLength}?)";
        if (Size < MinSubnetSize)
            return $"invalid subnet - {this} holds {Size} addresses; at least {MinSubnetSize} are needed";
        return null;
    }

    public static bool TryParse(string? text, out Cidr cidr, out string error)
    {
        cidr = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty CIDR: expected an address and a prefix length, e.g. 10.32.0.0/12";
            return false;
        }
        text = text.Trim();
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            error = $"invalid CIDR \"{text}\": missing /prefix-length, e.g. {text}/24";
            return false;
        }
        if (!Address.TryParse(text[..slash], out var address, out error))
        {
            error = $"invalid CIDR \"{text}\": {error}";
            return false;
        }
        var lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 3 || !lengthText.All(char.IsAsciiDigit)
            || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            error = $"invalid CIDR \"{text}\": prefix length \"{lengthText}\" is not a number";
            return false;
        }
        if (length > address.FamilyBits)
        {
            error = $"invalid CIDR \"{text}\": prefix length {length} is larger than {address.FamilyBits}";
            return false;
        }
        cidr = new Cidr(address, length);
        error = "";
        return true;
    }

    public override string ToString() => $"{Address}/{PrefixLength}";
}
