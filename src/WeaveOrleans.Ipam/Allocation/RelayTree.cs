using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Allocation;

/// <summary>
/// How one ring change reaches every peer with one message each: the peers stand in peer-name order
/// round a circle, and a peer with a share of it (the arc after itself, up to a bound) splits the
/// connected peers in that arc into <see cref="Fanout"/> parts and hands each part's first peer the
/// rest of its part. The originator's share is the whole circle. Every connected peer in an arc is
/// sent to once, and the arcs halve at each hop, so a change takes log2(N) hops and N-1 messages.
/// A peer that is not connected to the relaying one is not in its parts, but stays in the arc handed
/// on, so a peer that does reach it relays to it; one that nobody on the way reaches hears the change
/// from periodic gossip instead.
/// </summary>
public static class RelayTree
{
    /// <summary>Parts per hop: two keeps a change within 2·log2(N) hops with one message per peer.</summary>
    public const int Fanout = 2;

    /// <summary>
    /// The peers <paramref name="self"/> relays to, each with the bound of the arc it relays on to.
    /// <paramref name="until"/> equal to <paramref name="self"/> means the whole circle.
    /// </summary>
    public static List<(PeerName To, PeerName Until)> Children(PeerName self, PeerName until, IEnumerable<PeerName> connected)
    {
        // Distance round the circle from self, so the arc (self, until) is a plain range.
        ulong After(PeerName p) => unchecked(p.Value - self.Value - 1);
        var bound = until == self ? ulong.MaxValue : After(until);
        var arc = connected.Where(p => p != self && After(p) < bound).OrderBy(After).ToList();
        var children = new List<(PeerName, PeerName)>();
        var parts = Math.Min(Fanout, arc.Count);
        for (var i = 0; i < parts; i++)
        {
            var first = i * arc.Count / parts;
            var next = (i + 1) * arc.Count / parts;
            children.Add((arc[first], next < arc.Count ? arc[next] : until));
        }
        return children;
    }
}
