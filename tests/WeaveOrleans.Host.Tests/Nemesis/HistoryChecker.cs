namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>
/// Checks a history for the two safety properties, soundly: only what is certain counts against the
/// daemons. An address is certainly held by an id from the moment its allocation or claim was
/// acknowledged until a free or delete of it was first sent (whatever that answered, or if nothing
/// answered), or until its host was killed for good. Two such spans of different ids on one address
/// that overlap are a duplicate. A span still open must show in its host's listing (GET /ip).
/// </summary>
internal static class HistoryChecker
{
    /// <summary>A span during which <see cref="Id"/> on <see cref="Host"/> certainly held <see cref="Address"/>.</summary>
    internal sealed record Hold(int Host, string Id, string Address, double From, double Until, Operation Acked);

    public static string Bare(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return (slash < 0 ? cidr : cidr[..slash]).Trim();
    }

    public static List<Hold> Holds(IReadOnlyList<Operation> ops, IReadOnlyDictionary<int, double> removedAt)
    {
        var releases = ops.Where(o => o.Kind is OpKind.Free or OpKind.Delete)
            .GroupBy(o => (o.Host, o.Id)).ToDictionary(g => g.Key, g => g.ToList());
        var holds = new List<Hold>();
        foreach (var o in ops.Where(o => o.Acked && o.Kind is OpKind.Allocate or OpKind.Claim))
        {
            var address = Bare(o.Kind == OpKind.Allocate ? o.Given ?? "" : o.Address ?? "");
            if (address.Length == 0)
                continue;
            var until = removedAt.TryGetValue(o.Host, out var dead) ? dead : double.PositiveInfinity;
            if (releases.TryGetValue((o.Host, o.Id), out var rel))
            {
                foreach (var r in rel.Where(r => r.Invoked >= o.Invoked && (r.Kind == OpKind.Delete || Bare(r.Address ?? "") == address)))
                    until = Math.Min(until, r.Invoked);
            }
            holds.Add(new Hold(o.Host, o.Id, address, o.Completed, until, o));
        }
        return holds;
    }

    /// <summary>Pairs of spans of different ids on one address that overlap in time.</summary>
    public static List<string> Duplicates(IEnumerable<Hold> holds)
    {
        var found = new List<string>();
        foreach (var group in holds.GroupBy(h => h.Address))
        {
            var active = new List<Hold>();
            foreach (var h in group.OrderBy(h => h.From))
            {
                active.RemoveAll(a => a.Until <= h.From);
                foreach (var a in active.Where(a => a.Id != h.Id || a.Host != h.Host))
                    found.Add($"duplicate {h.Address}: {a.Id}@host{a.Host} held it {a.From:0.000}-{a.Until:0.000}s and {h.Id}@host{h.Host} from {h.From:0.000}s\n    {a.Acked}\n    {h.Acked}");
                if (h.Until > h.From)
                    active.Add(h);
            }
        }
        return found;
    }

    /// <summary>
    /// Spans on <paramref name="host"/> acknowledged before <paramref name="ackedBefore"/> and not
    /// released before <paramref name="listedAt"/> that the host's listing (id → addresses) lacks.
    /// </summary>
    public static List<string> Lost(IEnumerable<Hold> holds, int host, IReadOnlyDictionary<string, string[]> listing,
        double ackedBefore, double listedAt, string when)
    {
        var found = new List<string>();
        foreach (var h in holds.Where(h => h.Host == host && h.From < ackedBefore && h.Until > listedAt))
        {
            if (!listing.TryGetValue(h.Id, out var addrs) || !addrs.Select(Bare).Contains(h.Address))
                found.Add($"lost {when}: {h.Id}@host{host} acknowledged {h.Address} at {h.From:0.000}s, never released, but host{host} lists {(addrs is null ? "nothing" : string.Join(' ', addrs))} for it at {listedAt:0.000}s\n    {h.Acked}");
        }
        return found;
    }

    /// <summary>An address two ids hold at once according to the hosts' own listings.</summary>
    public static List<string> ListedTwice(IReadOnlyDictionary<int, IReadOnlyDictionary<string, string[]>> listings)
    {
        return [.. listings
            .SelectMany(l => l.Value.SelectMany(e => e.Value.Select(a => (Address: Bare(a), Holder: $"{e.Key}@host{l.Key}"))))
            .GroupBy(x => x.Address)
            .Where(g => g.Select(x => x.Holder).Distinct().Count() > 1)
            .Select(g => $"duplicate {g.Key} in the final listings: {string.Join(", ", g.Select(x => x.Holder).Distinct())}")];
    }
}
