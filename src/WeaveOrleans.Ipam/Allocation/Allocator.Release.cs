using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Releases one address of <paramref name="ident"/>; answered at once, as a completion for <paramref name="requestId"/>.</summary>
    public void Free(long requestId, string ident, Address address)
    {
        if (!_idents.Holds(ident, address))
        {
            Complete(requestId, new Outcome.Failed($"Free: address {address} not found for {ident}"));
            return;
        }
        Unrecord(ident, address);
        Complete(requestId, new Outcome.Ok());
    }

    /// <summary>Releases every address of <paramref name="ident"/>; answered at once, as a completion for <paramref name="requestId"/>.</summary>
    public void Delete(long requestId, string ident) =>
        Complete(requestId, Release(ident) ? new Outcome.Ok() : new Outcome.Failed($"Delete: no addresses for {ident}"));
}
