using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network;

/// <summary>An interface as <c>weave ps</c> shows it: its name, MAC and addresses in the kernel's order.</summary>
public sealed record NetDevice(string Name, string Mac, IReadOnlyList<Cidr> Cidrs);
