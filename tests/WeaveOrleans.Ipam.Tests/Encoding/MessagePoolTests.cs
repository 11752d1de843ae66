using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Encoding;
using WeaveOrleans.Ipam.Pools;

namespace WeaveOrleans.Ipam.Tests.Encoding;

/// <summary>The pool a message is for, in its header: the default pool's bytes stay those of earlier releases.</summary>
public class MessagePoolTests
{
    private static readonly SpaceRequest Request = new(Cidr.Parse("10.0.0.0/30").Range);

    [Fact]
    public void The_default_pool_is_written_as_version_2_exactly_as_before()
    {
        var bytes = MessageCodec.Encode(Request, PoolId.Default);
        Assert.Equal(MessageCodec.Encode(Request), bytes);
        Assert.Equal([(byte)'W', 2, 1], bytes[..3]);
        Assert.Equal(PoolId.Default, MessageCodec.PoolOf(bytes));
        Assert.Equal((PoolId.Default, "space-request"), (MessageCodec.DecodeWithPool(bytes).Pool, MessageCodec.KindOf(bytes)));
    }

    [Fact]
    public void Another_pool_is_named_in_a_version_3_header_and_read_back()
    {
        var pool = PoolId.Parse("v6-ring");
        var bytes = MessageCodec.Encode(Request, pool);
        Assert.Equal([(byte)'W', 3, 1], bytes[..3]);
        Assert.Equal(pool, MessageCodec.PoolOf(bytes));
        var (decodedPool, message) = MessageCodec.DecodeWithPool(bytes);
        Assert.Equal(pool, decodedPool);
        Assert.Equal(Request, message);
        Assert.Equal("space-request", MessageCodec.KindOf(bytes));
    }

    [Theory]
    [InlineData("default", "naming the default pool")]
    [InlineData("Bad_Name", "invalid pool name")]
    [InlineData("", "invalid pool name")]
    public void A_version_3_header_with_a_bad_pool_is_refused(string name, string reason)
    {
        byte[] bytes = [(byte)'W', 3, 1, (byte)name.Length, .. System.Text.Encoding.ASCII.GetBytes(name), .. MessageCodec.Encode(Request)[3..]];
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => MessageCodec.Decode(bytes)).Message);
    }

    [Fact]
    public void Pool_names_are_checked()
    {
        Assert.True(PoolId.TryParse("default", out var parsed, out _));
        Assert.Equal(PoolId.Default, parsed);
        Assert.Equal(PoolId.Default, default);
        Assert.False(PoolId.TryParse("1abc", out _, out _));
        Assert.False(PoolId.TryParse(new string('a', PoolId.MaxLength + 1), out _, out _));
    }
}
