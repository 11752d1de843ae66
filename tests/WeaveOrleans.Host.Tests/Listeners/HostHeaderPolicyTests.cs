using WeaveOrleans.Host.Listeners;

namespace WeaveOrleans.Host.Tests.Listeners;

public sealed class HostHeaderPolicyTests
{
    private readonly HostHeaderPolicy _policy = new(["weave.example.com"]);

    [Theory]
    [InlineData("127.0.0.1:6784")]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3:6782")]
    [InlineData("[::1]:6784")]
    [InlineData("[fe80::1]")]
    [InlineData("localhost:6784")]
    [InlineData("LOCALHOST")]
    [InlineData("dashboard.localhost:6785")]
    [InlineData("weave.example.com:6782")]
    [InlineData("weave.example.com.")]
    [InlineData("")]
    public void Addresses_loopback_names_and_configured_names_are_accepted(string host) =>
        Assert.True(_policy.Accepts(host));

    [Theory]
    [InlineData("attacker.example:6784")]
    [InlineData("attacker.example")]
    [InlineData("localhost.attacker.example")]
    [InlineData("127.0.0.1.nip.io:6784")]
    [InlineData("example.com")]
    [InlineData("[not-an-address]:1")]
    public void Any_other_name_is_refused_as_a_rebinding_attempt(string host) =>
        Assert.False(_policy.Accepts(host));
}
