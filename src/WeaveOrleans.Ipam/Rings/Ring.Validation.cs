using System.Collections.Immutable;

namespace WeaveOrleans.Ipam.Rings;

public sealed partial class Ring
{
    /// <summary>
    /// Checks what every ring must satisfy: tokens sorted, none repeated, all inside the universe,
    /// and (for a whole ring) no entry claiming more free addresses than it spans. A delta cannot be
    /// checked for free space on its own: its neighbours are not in it.
    /// </summary>
    private RingMergeError? Validate(ImmutableArray<RingEntry> entries, bool checkFree)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            var token = entries[i].Token;
            if (!Universe.Contains(token))
                return new(RingMergeErrorKind.Invalid, $"Token {token} is out of range {Universe}");
            if (entries[i].End is { } end && !Universe.Contains(end))
                return new(RingMergeErrorKind.Invalid, $"Entry {token} ends at {end}, out of range {Universe}");
            if (entries[i].End is not null && entries[i].EndVersion > entries[i].Version)
                return new(RingMergeErrorKind.Invalid, $"Entry {token} recorded its end at v{entries[i].EndVersion}, above its v{entries[i].Version}");
            if (i > 0 && entries[i - 1].Token >= token)
                return entries[i - 1].Token == token
                    ? new(RingMergeErrorKind.Invalid, $"Token {token} appears twice in ring")
                    : new(RingMergeErrorKind.Invalid, $"Ring not sorted at {token}");
        }
        if (!checkFree)
            return null;
        for (var i = 0; i < entries.Length; i++)
        {
            var next = entries[(i + 1) % entries.Length].Token;
            var span = Distance(entries[i].Token, next);
            if (entries[i].Free > span)
                return new(RingMergeErrorKind.Invalid,
                    $"Entry {entries[i].Token}-{next} reporting too much free space: {entries[i].Free} > {span}");
        }
        return null;
    }
}
