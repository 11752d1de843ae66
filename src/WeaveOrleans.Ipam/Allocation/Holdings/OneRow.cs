using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// The changed rows when only one changed, as they do after a single allocation or release: one small
/// object where a dictionary would allocate its buckets and entries on every request.
/// </summary>
internal sealed class OneRow(string ident, OwnedAddresses? row) : IReadOnlyDictionary<string, OwnedAddresses?>
{
    public int Count => 1;

    public OwnedAddresses? this[string key] => key == ident ? row : throw new KeyNotFoundException($"no row {key}");

    public IEnumerable<string> Keys => [ident];

    public IEnumerable<OwnedAddresses?> Values => [row];

    public bool ContainsKey(string key) => key == ident;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out OwnedAddresses? value)
    {
        value = key == ident ? row : null;
        return key == ident;
    }

    public IEnumerator<KeyValuePair<string, OwnedAddresses?>> GetEnumerator()
    {
        yield return new(ident, row);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
