using System.Text;
using WeaveOrleans.Host.Listeners;

namespace WeaveOrleans.Host.Tests.Listeners;

public sealed class DashboardCredentialsTests
{
    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Fact]
    public void Only_the_configured_user_and_password_are_accepted()
    {
        var credentials = new DashboardCredentials("admin", "s3cret");
        Assert.True(credentials.Accepts(Basic("admin:s3cret")));
        Assert.True(credentials.Accepts("basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret"))));
        Assert.False(credentials.Accepts(Basic("admin:wrong")));
        Assert.False(credentials.Accepts(Basic("root:s3cret")));
        Assert.False(credentials.Accepts(Basic("admin:s3cret ")));
        Assert.False(credentials.Accepts("Bearer " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret"))));
        Assert.False(credentials.Accepts("Basic not*base64"));
        Assert.False(credentials.Accepts(null));
    }
}
