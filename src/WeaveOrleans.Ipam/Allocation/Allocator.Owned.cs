using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Who holds what: ident to addresses.</summary>
    public IReadOnlyDictionary<string, OwnedAddresses> Owned => _idents.Owned;

    /// <summary>Addresses in use on this peer (inside the range or not).</summary>
    public int ActiveCount => _idents.AddressCount;

    /// <summary>The addresses <paramref name="ident"/> holds, only those inside <paramref name="within"/> when given.</summary>
    public IReadOnlyList<Cidr> Lookup(string ident, Cidr? within = null) => _idents.Lookup(ident, within);

    /// <summary>The ident holding <paramref name="address"/> on this peer, or null.</summary>
    public string? HolderOf(Address address) => _idents.TryGetHolder(address, out var holder) ? holder : null;

    private void Record(string ident, Cidr cidr, bool isContainer) => _idents.Record(ident, cidr, isContainer);

    /// <summary>Forgets one address of <paramref name="ident"/> and frees it if it is in this peer's space.</summary>
    private void Unrecord(string ident, Address address)
    {
        if (_idents.Unrecord(ident, address) && Ownership.Space.IsAllocated(address))
            Ownership.Space.Free(address);
    }

    /// <summary>Releases every address of <paramref name="ident"/>.</summary>
    private bool Release(string ident)
    {
        _dead.Forget(ident);
        if (!_idents.Owned.TryGetValue(ident, out var owned))
            return false;
        foreach (var cidr in owned.Cidrs)
            Unrecord(ident, cidr.Address);
        return true;
    }

    private static bool IsIpString(string ident) => Address.TryParse(ident, out _, out _);
}
