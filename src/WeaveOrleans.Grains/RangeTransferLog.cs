using System.Globalization;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Peers;
using WeaveOrleans.Ipam.Rings;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Grains;

/// <summary>
/// The last few changes of owner in the ring, for the operator's page. The engine does not keep a
/// history (it has no use for one), so the driver compares each ring it sees with the previous one:
/// that catches this peer's own donations, rmpeer and reset as well as the ones other peers made and
/// gossip brought here. Kept in memory only: after a restart the list starts again.
/// </summary>
internal sealed class RangeTransferLog(int capacity)
{
    /// <summary>A transfer names at most this many ranges; the count covers them all.</summary>
    private const int MaxRangesShown = 8;

    private readonly Queue<RangeTransfer> _recent = new();
    private Ring? _ring;
    private ulong _stamp;
    private List<(Address Start, PeerName Owner)> _owners = [];

    /// <summary>Oldest first.</summary>
    public RangeTransfer[] Recent() => [.. _recent];

    /// <summary>
    /// Records what changed owner since the last call. The first ring seen (at activation, or the one
    /// that consensus creates) is the baseline, not a transfer. Cheap when nothing changed: the ring's
    /// change stamp says so.
    /// </summary>
    public void Observe(Ring ring, DateTimeOffset now, Func<PeerName, PeerName, string> kindOf, Func<PeerName, string?> nicknameOf)
    {
        if (ReferenceEquals(ring, _ring) && ring.ChangeStamp == _stamp)
            return;
        var before = _owners;
        var after = OwnersOf(ring);
        _ring = ring;
        _stamp = ring.ChangeStamp;
        _owners = after;
        if (before.Count == 0 || after.Count == 0)
            return;
        foreach (var move in Moves(before, after, ring.End).GroupBy(m => (m.From, m.To)))
        {
            var (from, to) = move.Key;
            var ranges = move.Select(m => m.Range).ToList();
            var total = ranges.Aggregate(UInt128.Zero, (sum, r) => sum + r.Size);
            Add(new RangeTransfer(
                now, kindOf(from, to),
                from.ToString(), nicknameOf(from),
                to.ToString(), nicknameOf(to),
                total.ToString(CultureInfo.InvariantCulture),
                [.. ranges.Take(MaxRangesShown).Select(r => r.ToString())]));
        }
    }

    private void Add(RangeTransfer transfer)
    {
        _recent.Enqueue(transfer);
        while (_recent.Count > capacity)
            _recent.Dequeue();
    }

    /// <summary>The owner of every part of the universe, as (start, owner) in address order from the universe's start.</summary>
    private static List<(Address Start, PeerName Owner)> OwnersOf(Ring ring)
    {
        if (ring.IsEmpty)
            return [];
        var entries = ring.Entries.ToList();
        var owners = new List<(Address, PeerName)>(entries.Count + 1);
        // The last token's range wraps round to the universe's start.
        if (entries[0].Token > ring.Start)
            owners.Add((ring.Start, entries[^1].Peer));
        owners.AddRange(entries.Select(e => (e.Token, e.Peer)));
        return owners;
    }

    /// <summary>Walks both owner lists together and yields each stretch whose owner differs, adjacent stretches of one move joined.</summary>
    private static List<(PeerName From, PeerName To, AddressRange Range)> Moves(
        List<(Address Start, PeerName Owner)> before, List<(Address Start, PeerName Owner)> after, Address end)
    {
        var moves = new List<(PeerName From, PeerName To, AddressRange Range)>();
        int i = 0, j = 0;
        var at = before[0].Start;
        while (at < end)
        {
            var nextBefore = i + 1 < before.Count ? before[i + 1].Start : end;
            var nextAfter = j + 1 < after.Count ? after[j + 1].Start : end;
            var next = nextBefore < nextAfter ? nextBefore : nextAfter;
            var (from, to) = (before[i].Owner, after[j].Owner);
            if (from != to)
            {
                if (moves.Count > 0 && moves[^1].From == from && moves[^1].To == to && moves[^1].Range.End == at)
                    moves[^1] = (from, to, moves[^1].Range with { End = next });
                else
                    moves.Add((from, to, new AddressRange(at, next)));
            }
            at = next;
            if (next == nextBefore)
                i++;
            if (next == nextAfter)
                j++;
        }
        return moves;
    }
}
