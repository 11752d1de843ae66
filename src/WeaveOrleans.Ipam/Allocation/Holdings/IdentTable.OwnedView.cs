using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace WeaveOrleans.Ipam.Allocation.Holdings;

internal sealed partial class IdentTable
{
    /// <summary>
    /// The table read as ident to addresses, for status, listings and tests. Each row is built when
    /// read (the table keeps no objects per ident), in entry order.
    /// </summary>
    private sealed class OwnedView(IdentTable table) : IReadOnlyDictionary<string, OwnedAddresses>
    {
        public int Count => table.IdentCount;

        public OwnedAddresses this[string key] =>
            TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no ident {key}");

        public IEnumerable<string> Keys
        {
            get
            {
                // Without building the rows.
                for (var e = 0; e < table._highWater; e++)
                    if ((table.At(e).Flags & InUse) != 0)
                        yield return table.KeyOf(e);
            }
        }

        public IEnumerable<OwnedAddresses> Values
        {
            get
            {
                // Without building the keys: decoding every ident is most of the cost.
                for (var e = 0; e < table._highWater; e++)
                    if ((table.At(e).Flags & InUse) != 0)
                        yield return table.Materialize(e);
            }
        }

        public bool ContainsKey(string key) => table.Find(key) >= 0;

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out OwnedAddresses value)
        {
            var e = table.Find(key);
            value = e < 0 ? null : table.Materialize(e);
            return e >= 0;
        }

        public IEnumerator<KeyValuePair<string, OwnedAddresses>> GetEnumerator()
        {
            for (var e = 0; e < table._highWater; e++)
                if ((table.At(e).Flags & InUse) != 0)
                    yield return new(table.KeyOf(e), table.Materialize(e));
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
