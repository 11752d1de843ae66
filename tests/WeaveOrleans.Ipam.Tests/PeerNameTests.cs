using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Ipam.Tests;

public sealed class PeerNameTests
{
    [Theory]
    [InlineData("aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff")]
    [InlineData("a:b:c:d:e:f", "0a:0b:0c:0d:0e:0f")]
    [InlineData("::1", "00:00:00:00:00:01")]
    [InlineData("1::", "01:00:00:00:00:00")]
    [InlineData("a::b", "0a:00:00:00:00:0b")]
    [InlineData("AB:cd::1", "ab:cd:00:00:00:01")]
    [InlineData("1:2::3:4", "01:02:00:00:03:04")]
    [InlineData("::1:2:3:4", "00:00:01:02:03:04")]
    [InlineData("1:2:3:4::", "01:02:03:04:00:00")]
    public void Full_and_short_forms_name_the_same_48_bits_as_in_Weave(string input, string expected) =>
        Assert.Equal(expected, PeerName.Parse(input).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("::")]
    [InlineData("1:2:3")]
    [InlineData("1:2:3:4:5")]
    [InlineData("1:2:3::4:5")]
    [InlineData("::1:2:3:4:5")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("123::")]
    [InlineData("0x1::")]
    [InlineData("+1::")]
    [InlineData("-1::")]
    [InlineData("1::2::3")]
    [InlineData("g::1")]
    public void Shapes_Weave_rejects_are_rejected_with_one_line(string input)
    {
        Assert.False(PeerName.TryParse(input, out _, out var error));
        Assert.StartsWith($"invalid peer name \"{input}\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }
}
