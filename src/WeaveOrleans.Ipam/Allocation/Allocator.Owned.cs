using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>Who holds what: ident to addresses.</summary>
    public IReadOnlyDictionary<string, OwnedAddresses> Owned => _owned;

    /// <summary>Addresses in use on this peer (inside the range or not).</summary>
    public int ActiveCount => _holders.Count;

    /// <summary>The addresses <paramref name="ident"/> holds, only those inside <paramref name="within"/> when given.</summary>
    public IReadOnlyList<Cidr> Lookup(string ident, Cidr? within = null) =>
        _owned.TryGetValue(ident, out var owned)
            ? [.. owned.Cidrs.Where(c => within is null || within.Value.Range.Contains(c.Address))]
            : [];

    private Cidr? FindExisting(string ident, Cidr subnet) =>
        _owned.TryGetValue(ident, out var owned)
            ? owned.Cidrs.Where(c => subnet.Range.Contains(c.Address)).Select(c => (Cidr?)c).FirstOrDefault()
            : null;

    private void Record(string ident, Cidr cidr, bool isContainer)
    {
        _owned[ident] = _owned.TryGetValue(ident, out var existing)
            ? new OwnedAddresses(isContainer, existing.Cidrs.Add(cidr))
            : new OwnedAddresses(isContainer, [cidr]);
        _holders[cidr.Address] = ident;
        _effects.ChangedIdents.Add(ident);
    }

    /// <summary>Forgets one address of <paramref name="ident"/> and frees it if it is in this peer's space.</summary>
    private void Unrecord(string ident, Address address)
    {
        if (!_owned.TryGetValue(ident, out var owned))
            return;
        var rest = owned.Cidrs.RemoveAll(c => c.Address == address);
        if (rest.IsEmpty)
            _owned.Remove(ident);
        else
            _owned[ident] = owned with { Cidrs = rest };
        _holders.Remove(address);
        if (Ownership.Space.IsAllocated(address))
            Ownership.Space.Free(address);
        _effects.ChangedIdents.Add(ident);
    }

    /// <summary>Releases every address of <paramref name="ident"/>.</summary>
    private bool Release(string ident)
    {
        _dead.Remove(ident);
        if (!_owned.TryGetValue(ident, out var owned))
            return false;
        foreach (var cidr in owned.Cidrs)
            Unrecord(ident, cidr.Address);
        return true;
    }

    private static bool IsIpString(string ident) => Address.TryParse(ident, out _, out _);
}
