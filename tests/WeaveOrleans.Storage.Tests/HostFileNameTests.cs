namespace WeaveOrleans.Storage.Tests;

public sealed class HostFileNameTests
{
    [Theory]
    [InlineData("peer-a", "peer-a.db")]
    [InlineData("8a:3c:00:11:22:33", "8a_3a3c_3a00_3a11_3a22_3a33.db")]
    [InlineData("../etc", "_2e._2fetc.db")]
    [InlineData("a_b", "a_5fb.db")]
    public void Host_keys_become_plain_file_names(string hostKey, string expected) =>
        Assert.Equal(expected, HostFileName.For(hostKey));
}
