using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace WeaveOrleans.Storage.Tests.Support;

/// <summary>
/// Row set that cancels a token after handing out a given number of rows, so cancellation arrives
/// deterministically while a store is in the middle of writing a change.
/// </summary>
internal sealed class CancelWhileEnumerating(IReadOnlyDictionary<string, byte[]?> rows, int cancelAfter, CancellationTokenSource source)
    : IReadOnlyDictionary<string, byte[]?>
{
    public byte[]? this[string key] => rows[key];

    public IEnumerable<string> Keys => rows.Keys;

    public IEnumerable<byte[]?> Values => rows.Values;

    public int Count => rows.Count;

    public bool ContainsKey(string key) => rows.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out byte[]? value) => rows.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, byte[]?>> GetEnumerator()
    {
        var handedOut = 0;
        foreach (var row in rows)
        {
            if (handedOut++ == cancelAfter)
            {
                source.Cancel();
            }
            yield return row;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
