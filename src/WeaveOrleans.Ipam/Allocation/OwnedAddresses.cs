using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// The addresses one ident holds. <paramref name="IsContainer"/> marks those released automatically when
/// the container goes away; it survives restarts (Weave lost it for pre-claimed addresses, which then
/// leaked for ever).
/// </summary>
public sealed record OwnedAddresses(bool IsContainer, ImmutableArray<Cidr> Cidrs);
