using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// The addresses each ident holds and, the other way round, which ident holds each address. These
/// are the per-ident rows a host persists: every change marks its ident here, so that
/// <see cref="TakeChangedRows"/> hands each changed row to the driver and no caller can forget one.
/// </summary>
internal sealed class IdentTable
{
    private readonly Dictionary<string, OwnedAddresses> _owned = [];
    private readonly Dictionary<Address, string> _holders = [];
    private readonly HashSet<string> _changed = [];

    public IReadOnlyDictionary<string, OwnedAddresses> Owned => _owned;

    /// <summary>Addresses held, inside the range or not.</summary>
    public int AddressCount => _holders.Count;

    public bool TryGetHolder(Address address, out string holder) => _holders.TryGetValue(address, out holder!);

    public bool Holds(Address address) => _holders.ContainsKey(address);

    public bool IsContainer(string ident) => _owned.TryGetValue(ident, out var owned) && owned.IsContainer;

    public bool Holds(string ident, Address address) =>
        _owned.TryGetValue(ident, out var owned) && owned.Cidrs.Any(c => c.Address == address);

    /// <summary>The addresses <paramref name="ident"/> holds, only those inside <paramref name="within"/> when given.</summary>
    public IReadOnlyList<Cidr> Lookup(string ident, Cidr? within = null) =>
        _owned.TryGetValue(ident, out var owned)
            ? [.. owned.Cidrs.Where(c => within is null || within.Value.Range.Contains(c.Address))]
            : [];

    /// <summary>The first address <paramref name="ident"/> holds inside <paramref name="subnet"/>.</summary>
    public Cidr? FindIn(string ident, Cidr subnet) =>
        _owned.TryGetValue(ident, out var owned)
            ? owned.Cidrs.Where(c => subnet.Range.Contains(c.Address)).Select(c => (Cidr?)c).FirstOrDefault()
            : null;

    /// <summary>How many addresses the idents named hold.</summary>
    public int CountHeldBy(IEnumerable<string> idents) =>
        idents.Sum(id => _owned.TryGetValue(id, out var owned) ? owned.Cidrs.Length : 0);

    public void Record(string ident, Cidr cidr, bool isContainer)
    {
        _owned[ident] = _owned.TryGetValue(ident, out var existing)
            ? new OwnedAddresses(isContainer, existing.Cidrs.Add(cidr))
            : new OwnedAddresses(isContainer, [cidr]);
        _holders[cidr.Address] = ident;
        _changed.Add(ident);
    }

    /// <summary>Forgets one address of <paramref name="ident"/>.</summary>
    /// <returns>False, changing nothing, when the ident holds nothing.</returns>
    public bool Unrecord(string ident, Address address)
    {
        if (!_owned.TryGetValue(ident, out var owned))
            return false;
        var rest = owned.Cidrs.RemoveAll(c => c.Address == address);
        if (rest.IsEmpty)
            _owned.Remove(ident);
        else
            _owned[ident] = owned with { Cidrs = rest };
        _holders.Remove(address);
        _changed.Add(ident);
        return true;
    }

    /// <summary>A row read back from storage: it is durable already, so it is not marked.</summary>
    public void Restore(string ident, OwnedAddresses record)
    {
        _owned[ident] = record;
        foreach (var cidr in record.Cidrs)
            _holders[cidr.Address] = ident;
    }

    /// <summary>Stored rows this table does not hold (they were dropped at restore): their deletion is a change.</summary>
    public void ForgetStored(IEnumerable<string> idents) => _changed.UnionWith(idents);

    /// <summary>
    /// Drops every record without marking rows: on reset the host deletes all it stored, so there is
    /// nothing to rewrite row by row.
    /// </summary>
    public void Clear()
    {
        _owned.Clear();
        _holders.Clear();
    }

    /// <summary>Each ident changed since the last call, with what it holds now (null: its row is to be deleted).</summary>
    public IReadOnlyDictionary<string, OwnedAddresses?> TakeChangedRows()
    {
        if (_changed.Count == 0)
            return EmptyRows;
        var rows = new Dictionary<string, OwnedAddresses?>(_changed.Count, StringComparer.Ordinal);
        foreach (var ident in _changed)
            rows[ident] = _owned.GetValueOrDefault(ident);
        _changed.Clear();
        return rows;
    }

    private static readonly IReadOnlyDictionary<string, OwnedAddresses?> EmptyRows = new Dictionary<string, OwnedAddresses?>();
}
