using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Grains;

/// <summary>An address found in use on this host at launch, with its prefix length, and who holds it.</summary>
public sealed record ExistingAddress(string Ident, Cidr Cidr, bool IsContainer);

/// <summary>
/// The addresses already in use on this host when the daemon starts (on the bridge, inside running containers
/// attached to it). Registered by the host; when it is, the allocator claims them all before it serves any
/// allocation or claim, so that an address in use is never handed out again after the state was lost.
/// </summary>
public interface IExistingAddressSource
{
    /// <summary>Completes once, with everything found.</summary>
    Task<IReadOnlyList<ExistingAddress>> Found { get; }

    /// <summary>While <see cref="Found"/> is not complete: what the search is waiting for, for the status line.</summary>
    string Waiting { get; }
}
