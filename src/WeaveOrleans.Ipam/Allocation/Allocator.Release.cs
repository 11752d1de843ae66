using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Releases one address of <paramref name="ident"/>.</summary>
    public Outcome Free(string ident, Address address)
    {
        if (!_idents.Holds(ident, address))
            return new Outcome.Failed($"Free: address {address} not found for {ident}");
        Unrecord(ident, address);
        return new Outcome.Ok();
    }

    /// <summary>Releases every address of <paramref name="ident"/>.</summary>
    public Outcome Delete(string ident) =>
        Release(ident) ? new Outcome.Ok() : new Outcome.Failed($"Delete: no addresses for {ident}");
}
