using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>The rmpeer record (removed peer -> the peer that took its ranges), shared by gossip and snapshots.</summary>
internal static class RemovalCodec
{
    public static void Write(WireWriter w, ImmutableDictionary<PeerName, PeerName>? removed)
    {
        var pairs = (removed ?? ImmutableDictionary<PeerName, PeerName>.Empty).OrderBy(kv => kv.Key).ToList();
        w.Peers([.. pairs.Select(kv => kv.Key)]);
        foreach (var (_, remover) in pairs)
            w.Peer(remover);
    }

    public static ImmutableDictionary<PeerName, PeerName> Read(ref WireReader r)
    {
        var victims = r.Peers();
        var builder = ImmutableDictionary.CreateBuilder<PeerName, PeerName>();
        foreach (var victim in victims)
            builder[victim] = r.Peer();
        return builder.ToImmutable();
    }
}
