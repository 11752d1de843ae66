using WeaveOrleans.Host.Listeners;

namespace WeaveOrleans.Host.Tests.Listeners;

public sealed class ListenerPlanTests
{
    private static ListenerPlan Resolve(params (string Key, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Key, s => s.Value);
        return ListenerPlan.Resolve(k => map.GetValueOrDefault(k), "/var/lib/weave");
    }

    [Fact]
    public void Defaults_are_the_API_status_and_dashboard_on_loopback_and_no_metrics_listener()
    {
        var plan = Resolve();
        Assert.Equal(
            ["127.0.0.1:6784 (Api)", "unix:/var/lib/weave/weave.sock (Api)", "127.0.0.1:6782 (Status)", "127.0.0.1:6785 (Dashboard)"],
            plan.Listeners.Select(l => l.ToString()));
        Assert.Null(plan.Dashboard);
        Assert.Empty(plan.AllowedHosts);
    }

    [Fact]
    public void The_API_can_listen_on_TCP_and_a_unix_socket_at_once_and_optional_listeners_can_be_off()
    {
        var plan = Resolve(("httpaddr", "127.0.0.1:7001, /run/weave/weave.sock"), ("statusaddr", "off"), ("dashboardaddr", "none"), ("metricsaddr", "0.0.0.0:7009"));
        Assert.Equal(["127.0.0.1:7001 (Api)", "unix:/run/weave/weave.sock (Api)", "unix:/var/lib/weave/weave.sock (Api)", "0.0.0.0:7009 (Metrics)"], plan.Listeners.Select(l => l.ToString()));
        Assert.Equal(7001, plan.HttpEndPoint!.Port);
    }

    [Fact]
    public void One_address_given_for_the_API_and_status_is_one_listener_serving_both()
    {
        var plan = Resolve(("httpaddr", "127.0.0.1:7001"), ("statusaddr", "127.0.0.1:7001"));
        Assert.Equal(ListenerKind.Api | ListenerKind.Status, Assert.Single(plan.Listeners, l => l.Address.EndPoint?.Port == 7001).Kinds);
    }

    [Fact]
    public void A_dashboard_password_makes_credentials_with_the_default_user()
    {
        var plan = Resolve(("dashboardaddr", "0.0.0.0:7005"), ("dashboardpassword", "s3cret"), ("allowedhosts", "Weave.Example.COM,other"));
        Assert.Equal(DashboardCredentials.DefaultUser, plan.Dashboard!.User);
        Assert.Equal(["weave.example.com", "other"], plan.AllowedHosts);
    }

    [Theory]
    [InlineData("dashboardaddr", "0.0.0.0:7005", "--dashboard-password")]
    [InlineData("dashboardaddr", "127.0.0.1:6782", "a listener of its own")]
    [InlineData("statusaddr", "0.0.0.0:6784", "share port 6784")]
    [InlineData("statusaddr", "/run/weave/status.sock", "--status-addr")]
    [InlineData("metricsaddr", "localhost:1", "--metrics-addr")]
    [InlineData("httpaddr", "relative/path.sock", "--http-addr")]
    [InlineData("httpaddr", ",", "at least one address")]
    [InlineData("pluginsocket", "127.0.0.1:7010", "--plugin-socket")]
    [InlineData("pluginsocket", "run/weave.sock", "an absolute unix socket path")]
    [InlineData("pluginsocket", "/var/lib/weave/weave.sock", "a socket of its own")]
    public void Bad_listener_settings_are_one_line_before_anything_binds(string key, string value, string expected)
    {
        var e = Assert.Throws<LaunchException>(() => Resolve((key, value)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_data_directory_too_long_for_its_control_socket_is_refused_at_launch()
    {
        var e = Assert.Throws<LaunchException>(() => ListenerPlan.Resolve(_ => null, "/tmp/" + new string('d', 100)));
        Assert.Contains("choose a shorter --data-dir", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_socket_path_longer_than_the_kernel_allows_is_refused_with_its_length()
    {
        var path = "/tmp/" + new string('s', ListenAddress.MaxSocketPathBytes);
        var e = Assert.Throws<LaunchException>(() => Resolve(("httpaddr", path)));
        Assert.Contains("at most 107 bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(ListenAddress.MaxSocketPathBytes, ListenAddress.Parse("--http-addr", "/" + new string('s', ListenAddress.MaxSocketPathBytes - 1), allowSocket: true).SocketPath!.Length);
    }

    [Fact]
    public void The_Docker_plugin_gets_a_socket_of_its_own_serving_only_the_plugin()
    {
        var plan = Resolve(("pluginsocket", "/run/docker/plugins/weave.sock"));
        Assert.Equal(ListenerKind.Plugin, Assert.Single(plan.Listeners, l => l.Address.SocketPath == "/run/docker/plugins/weave.sock").Kinds);
        Assert.Equal("/run/docker/plugins/weave.sock", plan.PluginSocket);
        Assert.Null(Resolve().PluginSocket);
        var tooLong = "/run/docker/plugins/" + new string('p', ListenAddress.MaxSocketPathBytes) + ".sock";
        Assert.Contains("at most 107 bytes", Assert.Throws<LaunchException>(() => Resolve(("pluginsocket", tooLong))).Message, StringComparison.Ordinal);
    }
}
