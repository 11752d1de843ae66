using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network;

/// <summary>
/// The <c>ip</c> argument lists that change addresses. The family flag comes from the address itself, so an IPv6
/// address is never read as a malformed IPv4 one (or the reverse) by whichever default iproute2 applies.
/// </summary>
internal static class IpArguments
{
    public static string FamilyFlag(Cidr cidr) => cidr.Address.IsV4 ? "-4" : "-6";

    public static IReadOnlyList<string> AddAddress(Cidr cidr, string device) => [FamilyFlag(cidr), "addr", "add", cidr.ToString(), "dev", device];

    public static IReadOnlyList<string> DeleteAddress(Cidr cidr, string device) => [FamilyFlag(cidr), "addr", "del", cidr.ToString(), "dev", device];

    /// <summary>Both families: the readers leave out the kernel's own link-local addresses.</summary>
    public static IReadOnlyList<string> ShowAddresses(string device) => ["-o", "addr", "show", "dev", device];
}
