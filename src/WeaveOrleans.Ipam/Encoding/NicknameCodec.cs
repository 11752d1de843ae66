using System.Collections.Immutable;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Encoding;

/// <summary>The peer-to-nickname map shared by gossip and snapshots, written in peer order so equal maps encode alike.</summary>
internal static class NicknameCodec
{
    /// <summary>Enough for any host name; bounded so that one forged entry cannot carry megabytes.</summary>
    public const int MaxBytes = 255;

    public static void Write(WireWriter w, ImmutableDictionary<PeerName, string> nicknames)
    {
        w.Count(nicknames.Count);
        foreach (var (peer, nickname) in nicknames.OrderBy(kv => kv.Key))
        {
            w.Peer(peer);
            w.Text(nickname, MaxBytes);
        }
    }

    public static ImmutableDictionary<PeerName, string> Read(ref WireReader r)
    {
        var nicknames = ImmutableDictionary.CreateBuilder<PeerName, string>();
        PeerName? previous = null;
        for (var n = r.Count(); n > 0; n--)
        {
            var peer = r.NextPeer(ref previous);
            nicknames.Add(peer, r.Text(MaxBytes));
        }
        return nicknames.ToImmutable();
    }
}
