using System.Globalization;
using System.Text.RegularExpressions;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network;

/// <summary>One address line of <c>ip -o addr show</c>: the interface's index and name, the address and its scope.</summary>
internal sealed record IpAddressLine(int Index, string Interface, Cidr Cidr, string Scope)
{
    /// <summary>
    /// An IPv6 link-local address, which the kernel gives every interface that is up: never one of ours, so it
    /// neither keeps an interface in use nor shows in <c>weave ps</c>.
    /// </summary>
    public bool IsKernelLinkLocal => !Cidr.Address.IsV4 && Scope == "link";
}

/// <summary>One line of <c>ip -o link show</c>: index, name, the index of a veth's other end (if any) and the MAC (if any).</summary>
internal sealed record IpLinkLine(int Index, string Name, int? PeerIndex, string? Mac);

/// <summary>Reads iproute2's one-line (<c>-o</c>) output. Pure: the commands are run elsewhere.</summary>
internal static partial class IpOutput
{
    /// <summary>The addresses of <c>ip -o [-4|-6] addr show</c>, both families, in the kernel's order; lines it cannot read are skipped.</summary>
    public static IReadOnlyList<IpAddressLine> Addresses(string output)
    {
        var lines = new List<IpAddressLine>();
        foreach (Match m in AddressLine().Matches(output))
        {
            // "inet 10.0.0.1 peer 10.0.0.2/32" (point to point) has no prefix on the local address: not a form we make.
            if (!Cidr.TryParse(m.Groups["cidr"].Value, out var cidr, out _))
                continue;
            var family = m.Groups["family"].Value;
            if (family == "inet" != cidr.Address.IsV4)
                continue;
            lines.Add(new IpAddressLine(Index(m.Groups["index"]), m.Groups["name"].Value, cidr, m.Groups["scope"].Value));
        }
        return lines;
    }

    /// <summary>The addresses we may have put there (<see cref="IpAddressLine.IsKernelLinkLocal"/> left out).</summary>
    public static IReadOnlyList<Cidr> AssignedAddresses(string output) =>
        [.. Addresses(output).Where(a => !a.IsKernelLinkLocal).Select(a => a.Cidr)];

    /// <summary>The links of <c>ip -o link show</c>.</summary>
    public static IReadOnlyList<IpLinkLine> Links(string output)
    {
        var links = new List<IpLinkLine>();
        foreach (Match m in LinkLine().Matches(output))
            links.Add(new IpLinkLine(
                Index(m.Groups["index"]),
                m.Groups["name"].Value,
                m.Groups["peer"].Success ? Index(m.Groups["peer"]) : null,
                m.Groups["mac"].Success ? m.Groups["mac"].Value : null));
        return links;
    }

    /// <summary>From <c>ip -o link show</c>: interface index → index of the other end, for every interface that has one.</summary>
    public static Dictionary<int, int> VethPairs(string output) =>
        Links(output).Where(l => l.PeerIndex is not null).ToDictionary(l => l.Index, l => l.PeerIndex!.Value);

    /// <summary>Whether <c>ip -d -o link show dev X</c> describes a bridge (the kind is printed among the details).</summary>
    public static bool IsBridge(string detailedLinkOutput) => BridgeKind().IsMatch(detailedLinkOutput);

    private static int Index(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    // "4: eth0    inet6 fd00::2/64 scope global nodad \       valid_lft ..."; a veth's name may carry "@ifN".
    [GeneratedRegex(@"^(?<index>\d+):\s+(?<name>[^\s@]+)(?:@\S+)?\s+(?<family>inet6?)\s+(?<cidr>\S+)(?:[^\n]*?\bscope (?<scope>\S+))?", RegexOptions.Multiline)]
    private static partial Regex AddressLine();

    // "12: vethwe1a2b3c4d@if11: <BROADCAST,...> ... master weave ...\    link/ether 6e:2c:01:aa:bb:cc brd ...".
    [GeneratedRegex(@"^(?<index>\d+):\s+(?<name>[^\s@:]+)(?:@if(?<peer>\d+)|@[^\s:]+)?:[^\n]*?(?:link/ether (?<mac>[0-9a-f:]{17})|$)", RegexOptions.Multiline)]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"\sbridge\s")]
    private static partial Regex BridgeKind();
}
