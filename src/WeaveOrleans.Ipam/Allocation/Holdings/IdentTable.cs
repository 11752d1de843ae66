using System.Collections.Immutable;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// The addresses each ident holds and, the other way round, which ident holds each address. These
/// are the per-ident rows a host persists: every change marks its ident here, so that
/// <see cref="TakeChangedRows"/> hands each changed row to the driver and no caller can forget one.
/// <para>
/// Kept compact because a peer may hold hundreds of thousands: one fixed-size entry per ident in
/// paged arrays (its first address inline; only an ident with several has an array of the rest), its
/// key as bytes in a <see cref="KeyArena"/>, and two int-array indexes, by ident and by first address.
/// The few further addresses are indexed in a dictionary of their own.
/// </para>
/// </summary>
internal sealed partial class IdentTable
{
    private const int PageBits = 12;
    private const int PageSize = 1 << PageBits;
    private const int KindShift = 30;
    private const int LengthMask = (1 << KindShift) - 1;
    private const byte InUse = 1;
    private const byte ContainerFlag = 2;

    private readonly List<Entry[]> _pages = [];
    private readonly SlotIndex _byIdent = new();
    private readonly SlotIndex _byAddress = new();
    private readonly Dictionary<Address, int> _further = [];
    private readonly ChangedIdents _changed = new();
    private KeyArena _keys = new();
    private int _highWater;
    private int _freeEntry = -1;

    public IdentTable()
    {
        Owned = new OwnedView(this);
    }

    public IReadOnlyDictionary<string, OwnedAddresses> Owned { get; }

    /// <summary>Addresses held, inside the range or not.</summary>
    public int AddressCount { get; private set; }

    public int IdentCount => _byIdent.Count;

    public bool TryGetHolder(Address address, out string holder)
    {
        var e = HolderOf(address);
        holder = e < 0 ? null! : KeyOf(e);
        return e >= 0;
    }

    public bool Holds(Address address) => HolderOf(address) >= 0;

    public bool IsContainer(string ident) => Find(ident) is var e && e >= 0 && (At(e).Flags & ContainerFlag) != 0;

    public bool Holds(string ident, Address address)
    {
        var e = Find(ident);
        if (e < 0)
            return false;
        ref var entry = ref At(e);
        if (entry.First == address)
            return true;
        foreach (var cidr in entry.More ?? [])
            if (cidr.Address == address)
                return true;
        return false;
    }

    /// <summary>The addresses <paramref name="ident"/> holds, only those inside <paramref name="within"/> when given.</summary>
    public IReadOnlyList<Cidr> Lookup(string ident, Cidr? within = null)
    {
        var e = Find(ident);
        if (e < 0)
            return [];
        var result = new List<Cidr>();
        foreach (var cidr in CidrsOf(e))
            if (within is null || within.Value.Range.Contains(cidr.Address))
                result.Add(cidr);
        return result;
    }

    /// <summary>The first address <paramref name="ident"/> holds inside <paramref name="subnet"/>.</summary>
    public Cidr? FindIn(string ident, Cidr subnet)
    {
        var e = Find(ident);
        if (e < 0)
            return null;
        ref var entry = ref At(e);
        var range = subnet.Range;
        if (range.Contains(entry.First))
            return new Cidr(entry.First, entry.Prefix);
        foreach (var cidr in entry.More ?? [])
            if (range.Contains(cidr.Address))
                return cidr;
        return null;
    }

    /// <summary>Every address held, in no particular order, without building a row per ident (status counts them).</summary>
    public IEnumerable<Cidr> AllCidrs()
    {
        for (var e = 0; e < _highWater; e++)
        {
            if ((At(e).Flags & InUse) == 0)
                continue;
            yield return new Cidr(At(e).First, At(e).Prefix);
            foreach (var cidr in At(e).More ?? [])
                yield return cidr;
        }
    }

    /// <summary>The idents whose addresses go when their container does.</summary>
    public List<string> ContainerIdents()
    {
        var idents = new List<string>();
        for (var e = 0; e < _highWater; e++)
            if ((At(e).Flags & (InUse | ContainerFlag)) == (InUse | ContainerFlag))
                idents.Add(KeyOf(e));
        return idents;
    }

    /// <summary>How many addresses the idents named hold.</summary>
    public int CountHeldBy(IEnumerable<string> idents)
    {
        var count = 0;
        foreach (var ident in idents)
            if (Find(ident) is var e && e >= 0)
                count += 1 + (At(e).More?.Length ?? 0);
        return count;
    }

    public void Record(string ident, Cidr cidr, bool isContainer)
    {
        var e = Find(ident);
        if (e < 0)
            Add(cidr, [], isContainer);
        else
        {
            ref var entry = ref At(e);
            entry.Flags = (byte)(InUse | (isContainer ? ContainerFlag : 0));
            entry.More = [.. entry.More ?? [], cidr];
            _further[cidr.Address] = e;
            AddressCount++;
        }
        _changed.Mark(ident);
    }

    /// <summary>Forgets one address of <paramref name="ident"/> (every record of it).</summary>
    /// <returns>False, changing nothing, when the ident holds nothing.</returns>
    public bool Unrecord(string ident, Address address)
    {
        var e = Find(ident);
        if (e < 0)
            return false;
        _changed.Mark(ident);
        ref var entry = ref At(e);
        if (entry.More is null)
        {
            if (entry.First == address)
                Delete(e);
            return true;
        }
        var all = CidrsOf(e);
        var rest = new List<Cidr>(all.Length);
        foreach (var cidr in all)
            if (cidr.Address != address)
                rest.Add(cidr);
        if (rest.Count == all.Length)
            return true;
        var isContainer = (entry.Flags & ContainerFlag) != 0;
        // Rare (an ident with several addresses): rebuilding its entry keeps both indexes simple.
        Delete(e);
        if (rest.Count > 0)
            Add(rest[0], rest.Count > 1 ? [.. rest.Skip(1)] : [], isContainer);
        return true;
    }

    /// <summary>A row read back from storage: it is durable already, so it is not marked.</summary>
    public void Restore(string ident, OwnedAddresses record)
    {
        if (Find(ident) is var e && e >= 0)
            Delete(e);
        var cidrs = record.Cidrs.IsDefault ? [] : record.Cidrs;
        if (cidrs.Length > 0)
            Add(cidrs[0], cidrs.AsSpan()[1..], record.IsContainer);
    }

    /// <summary>Stored rows this table does not hold (they were dropped at restore): their deletion is a change.</summary>
    public void ForgetStored(IEnumerable<string> idents)
    {
        foreach (var ident in idents)
            _changed.Mark(ident);
    }

    /// <summary>
    /// Drops every record without marking rows: on reset the host deletes all it stored, so there is
    /// nothing to rewrite row by row.
    /// </summary>
    public void Clear()
    {
        _pages.Clear();
        _byIdent.Clear();
        _byAddress.Clear();
        _further.Clear();
        _keys = new KeyArena();
        _highWater = 0;
        _freeEntry = -1;
        _lastIdent = null;
        AddressCount = 0;
    }

    /// <summary>Each ident changed since the last call, with what it holds now (null: its row is to be deleted).</summary>
    public IReadOnlyDictionary<string, OwnedAddresses?> TakeChangedRows()
    {
        if (_changed.IsEmpty)
            return EmptyRows;
        if (_changed.Single is { } only)
        {
            _changed.Clear();
            return new OneRow(only, Find(only) is var i && i >= 0 ? Materialize(i) : null);
        }
        var rows = new Dictionary<string, OwnedAddresses?>(StringComparer.Ordinal);
        foreach (var ident in _changed.All)
            rows[ident] = Find(ident) is var e && e >= 0 ? Materialize(e) : null;
        _changed.Clear();
        return rows;
    }

    private static readonly IReadOnlyDictionary<string, OwnedAddresses?> EmptyRows = new Dictionary<string, OwnedAddresses?>();

    /// <summary>Adds an entry for the ident whose key the last <see cref="Find(string)"/> encoded (and did not find).</summary>
    private void Add(Cidr first, ReadOnlySpan<Cidr> more, bool isContainer)
    {
        var e = NewEntry();
        ref var entry = ref At(e);
        entry.Key = _keys.Add(_keyScratch.AsSpan(0, _lastLength));
        entry.KeyLength = (_lastKind << KindShift) | _lastLength;
        entry.Hash = _lastHash;
        entry.First = first.Address;
        entry.Prefix = (byte)first.PrefixLength;
        entry.Flags = (byte)(InUse | (isContainer ? ContainerFlag : 0));
        entry.More = more.IsEmpty ? null : more.ToArray();
        _byIdent.Add(entry.Hash, e);
        _byAddress.Add(AddressHash(first.Address), e);
        foreach (var cidr in more)
            _further[cidr.Address] = e;
        AddressCount += 1 + more.Length;
        _lastEntry = e;
    }

    private void Delete(int e)
    {
        ref var entry = ref At(e);
        _byIdent.Remove(entry.Hash, e);
        _byAddress.Remove(AddressHash(entry.First), e);
        foreach (var cidr in entry.More ?? [])
            if (_further.TryGetValue(cidr.Address, out var holder) && holder == e)
                _further.Remove(cidr.Address);
        AddressCount -= 1 + (entry.More?.Length ?? 0);
        _keys.Remove(entry.KeyLength & LengthMask);
        entry = default;
        entry.Hash = _freeEntry;
        _lastIdent = null;
        _freeEntry = e;
        if (_keys.NeedsCompaction)
            CompactKeys();
    }

    private int NewEntry()
    {
        if (_freeEntry >= 0)
        {
            var e = _freeEntry;
            _freeEntry = At(e).Hash;
            return e;
        }
        if (_highWater == _pages.Count * PageSize)
            _pages.Add(new Entry[PageSize]);
        return _highWater++;
    }

    /// <summary>Copies the live keys into a fresh arena, leaving the holes of removed ones behind.</summary>
    private void CompactKeys()
    {
        var keys = new KeyArena();
        for (var e = 0; e < _highWater; e++)
        {
            ref var entry = ref At(e);
            if ((entry.Flags & InUse) != 0)
                entry.Key = keys.Add(_keys.Get(entry.Key, entry.KeyLength & LengthMask));
        }
        _keys = keys;
    }

    /// <summary>The entry of <paramref name="ident"/>, or -1. Leaves its key encoded for an <see cref="Add"/> that follows.</summary>
    private int Find(string ident)
    {
        // The same string is often looked up again at once (is it held? record it; what changed?).
        if (ReferenceEquals(ident, _lastIdent))
            return _lastEntry;
        if (IdentKey.MaxBytes(ident) > _keyScratch.Length)
            _keyScratch = new byte[IdentKey.MaxBytes(ident)];
        _lastKind = IdentKey.Encode(ident, _keyScratch, out _lastLength);
        var key = _keyScratch.AsSpan(0, _lastLength);
        _lastHash = IdentKey.Hash(_lastKind, key);
        _lastIdent = ident;
        _lastEntry = Find(_lastKind, key, _lastHash);
        return _lastEntry;
    }

    private int Find(int kind, ReadOnlySpan<byte> key, int hash)
    {
        var keyLength = (kind << KindShift) | key.Length;
        for (var probe = _byIdent.Start(hash); probe.MoveNext();)
        {
            ref var entry = ref At(probe.Current);
            if (entry.KeyLength == keyLength && _keys.Get(entry.Key, key.Length).SequenceEqual(key))
                return probe.Current;
        }
        return -1;
    }

    private int HolderOf(Address address)
    {
        for (var probe = _byAddress.Start(AddressHash(address)); probe.MoveNext();)
            if (At(probe.Current).First == address)
                return probe.Current;
        return _further.TryGetValue(address, out var e) ? e : -1;
    }

    // The engine is single-threaded: one buffer per table holds the key of the ident last looked up.
    private byte[] _keyScratch = new byte[512];
    private int _lastKind;
    private int _lastLength;
    private int _lastHash;

    // What the last Find(string) answered, kept true by Add and dropped by Delete and Clear.
    private string? _lastIdent;
    private int _lastEntry = -1;

    private string KeyOf(int e)
    {
        ref var entry = ref At(e);
        var length = entry.KeyLength & LengthMask;
        return IdentKey.Decode(entry.KeyLength >>> KindShift, _keys.Get(entry.Key, length));
    }

    private Cidr[] CidrsOf(int e)
    {
        ref var entry = ref At(e);
        return [new Cidr(entry.First, entry.Prefix), .. entry.More ?? []];
    }

    private OwnedAddresses Materialize(int e)
    {
        ref var entry = ref At(e);
        var cidrs = entry.More is null
            ? ImmutableArray.Create(new Cidr(entry.First, entry.Prefix))
            : ImmutableArray.Create(CidrsOf(e));
        return new OwnedAddresses((entry.Flags & ContainerFlag) != 0, cidrs);
    }

    private ref Entry At(int e) => ref _pages[e >>> PageBits][e & (PageSize - 1)];

    private static int AddressHash(Address address) =>
        (int)IdentKey.Mix((ulong)address.Value ^ (ulong)(address.Value >> 64));

    /// <summary>
    /// One ident. 40 bytes: the first address as two longs (a UInt128 field would align the struct to
    /// 16 and make it 48), the rest only when there are more.
    /// </summary>
    private struct Entry
    {
        private ulong _firstLow;
        private ulong _firstHigh;
        public Cidr[]? More;
        public int Key;
        public int KeyLength;

        /// <summary>The key's hash; for an entry not in use, the next free one.</summary>
        public int Hash;

        public byte Prefix;
        public byte Flags;

        public Address First
        {
            readonly get => new(new UInt128(_firstHigh, _firstLow));
            set
            {
                _firstLow = (ulong)value.Value;
                _firstHigh = (ulong)(value.Value >> 64);
            }
        }
    }
}
