using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// A range taken over with rmpeer, held back until every other peer the ring names or that is known by
/// nickname has been heard from since: one of them may hold a newer owner for it (the removed peer may
/// have handed it on when it left, to an heir that owned nothing before), and handing its addresses
/// out before that is known could give them out twice.
/// </summary>
public sealed record Quarantine(AddressRange Range, ImmutableHashSet<PeerName> Awaiting);
