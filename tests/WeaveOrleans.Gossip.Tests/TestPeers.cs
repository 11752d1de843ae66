using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Gossip.Tests;

internal static class TestPeers
{
    public static readonly PeerName A = PeerName.Parse("00:00:00:00:00:0a");
    public static readonly PeerName B = PeerName.Parse("00:00:00:00:00:0b");
    public static readonly PeerName C = PeerName.Parse("00:00:00:00:00:0c");
    public static readonly PeerName D = PeerName.Parse("00:00:00:00:00:0d");

    public static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlyMemory<byte> b) => System.Text.Encoding.UTF8.GetString(b.Span);
}
