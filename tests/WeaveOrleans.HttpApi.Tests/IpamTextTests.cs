using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>The text the daemon answers and the CLI prints, byte for byte as Weave writes it.</summary>
public sealed class IpamTextTests
{
    [Fact]
    public void A_share_line_has_weaves_columns()
    {
        Assert.Equal("01:00:00:02:00:00(nick-01)".PadRight(37) + "       64 IPs (100.0% of total) (1 active)",
            IpamText.ShareLine("01:00:00:02:00:00", "nick-01", 64, 64, isSelf: true, isReachable: true, activeIps: 1));
        Assert.Equal("01:00:00:02:00:01".PadRight(37) + "       16 IPs (25.0% of total) - unreachable!",
            IpamText.ShareLine("01:00:00:02:00:01", null, 16, 64, isSelf: false, isReachable: false, activeIps: 1));
        Assert.Equal("01:00:00:02:00:01(b)".PadRight(37) + "        8 IPs (12.5% of total)",
            IpamText.ShareLine("01:00:00:02:00:01", "b", 8, 64, isSelf: false, isReachable: true, activeIps: 1));
    }

    [Fact]
    public void A_body_ends_every_line_and_is_empty_without_lines()
    {
        Assert.Equal("", IpamText.Body([]));
        Assert.Equal("a\nb\n", IpamText.Body(["a", "b"]));
    }

    [Fact]
    public void Rmpeer_and_peer_labels_read_as_weaves()
    {
        Assert.Equal("3 IPs taken over from host2\n", IpamText.TakenOver(3, "host2"));
        Assert.Equal("aa:bb:cc:dd:ee:ff(h)", IpamText.PeerLabel("aa:bb:cc:dd:ee:ff", "h"));
        Assert.Equal("aa:bb:cc:dd:ee:ff", IpamText.PeerLabel("aa:bb:cc:dd:ee:ff", ""));
    }
}
