using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Cli;

public enum AddressKind
{
    /// <summary>None given, or <c>net:default</c>: allocate in the default subnet.</summary>
    DefaultSubnet,
    /// <summary><c>net:CIDR</c>: allocate in that subnet.</summary>
    Subnet,
    /// <summary><c>ip:CIDR</c> or a plain CIDR: claim exactly that address.</summary>
    Address,
}

/// <summary>One address argument of attach/detach/expose/hide/run/start, parsed as Weave's <c>ipam_cidrs</c> does.</summary>
public sealed record AddressSpec(AddressKind Kind, string? Cidr)
{
    public static readonly AddressSpec Default = new(AddressKind.DefaultSubnet, null);

    public override string ToString() => Kind switch
    {
        AddressKind.DefaultSubnet => "net:default",
        AddressKind.Subnet => "net:" + Cidr,
        _ => "ip:" + Cidr,
    };

    /// <summary>Whether <paramref name="text"/> is meant as an address argument (used to split <c>weave run</c>'s arguments).</summary>
    public static bool LooksLikeAddress(string text) =>
        text.StartsWith("net:", StringComparison.Ordinal) || text.StartsWith("ip:", StringComparison.Ordinal)
        || Ipam.Addresses.Cidr.TryParse(text, out _, out _);

    public static bool TryParse(string text, out AddressSpec spec, out string error)
    {
        spec = Default;
        error = "";
        if (text == "net:default")
            return true;
        if (text.StartsWith("net:", StringComparison.Ordinal))
        {
            var subnetText = text["net:".Length..];
            if (!Ipam.Addresses.Cidr.TryParse(subnetText, out var subnet, out error))
                return false;
            if (subnet.SubnetProblem() is { } problem)
            {
                error = problem;
                return false;
            }
            spec = new AddressSpec(AddressKind.Subnet, subnet.ToString());
            return true;
        }
        var addressText = text.StartsWith("ip:", StringComparison.Ordinal) ? text["ip:".Length..] : text;
        if (!Ipam.Addresses.Cidr.TryParse(addressText, out var cidr, out error))
            return false;
        spec = new AddressSpec(AddressKind.Address, cidr.ToString());
        return true;
    }

    /// <summary>Parses every argument; none means the default subnet. Throws <see cref="CliException"/> (exit 1, as Weave's script) for a bad one.</summary>
    public static IReadOnlyList<AddressSpec> ParseAll(IEnumerable<string> texts)
    {
        var specs = new List<AddressSpec>();
        foreach (var text in texts)
        {
            if (!TryParse(text, out var spec, out var error))
                throw new CliException($"invalid address argument \"{text}\": {error}");
            specs.Add(spec);
        }
        if (specs.Count == 0)
            specs.Add(Default);
        return specs;
    }
}
