using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.DockerPlugin;

/// <summary>
/// A pool handed to Docker: the network's subnet and, with <c>--ip-range</c>, the part of it that
/// addresses are allocated from. Its text is the PoolID Docker passes back on every later call, so
/// the driver keeps no table of pools: the same request always gives the same ID, and an ID is
/// understood after a restart of either side.
/// </summary>
public readonly record struct PoolId(Cidr Subnet, Cidr? SubPool)
{
    private const char Separator = ',';

    /// <summary>Where addresses asked for without one are allocated.</summary>
    public Cidr AllocateIn => SubPool ?? Subnet;

    public override string ToString() => SubPool is { } sub ? $"{Subnet}{Separator}{sub}" : Subnet.ToString();

    public static PoolId Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw PluginError.Invalid("missing PoolID");
        var parts = text.Split(Separator);
        if (parts.Length > 2 || !Cidr.TryParse(parts[0], out var subnet, out _) || subnet.SubnetProblem() is not null)
            throw PluginError.Invalid($"unknown PoolID \"{Printable(text)}\": this driver's pool IDs are SUBNET or SUBNET{Separator}IP-RANGE");
        if (parts.Length == 1)
            return new PoolId(subnet, null);
        if (!Cidr.TryParse(parts[1], out var sub, out _) || sub.SubnetProblem() is not null || !subnet.Range.Contains(sub.Range))
            throw PluginError.Invalid($"unknown PoolID \"{Printable(text)}\": its IP range is not a subnet inside {subnet}");
        return new PoolId(subnet, sub);
    }

    /// <summary>Keeps a reply to one short line whatever a client sent.</summary>
    internal static string Printable(string text)
    {
        var shortened = text.Length > 80 ? text[..80] + "..." : text;
        return string.Concat(shortened.Select(c => char.IsControl(c) ? ' ' : c));
    }
}
