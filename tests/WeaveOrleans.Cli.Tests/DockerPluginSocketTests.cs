namespace WeaveOrleans.Cli.Tests;

/// <summary>Whether <c>weave launch</c> has the daemon serve Docker's IPAM driver, and where.</summary>
public class DockerPluginSocketTests
{
    [Fact]
    public void As_root_the_driver_is_weave_on_Dockers_socket_directory_unless_told_otherwise()
    {
        Assert.Equal("/run/docker/plugins/weave.sock", DockerPluginSocket.Choose(null, noPlugin: false, noPluginEnvironment: null, privileged: true));
        Assert.Null(DockerPluginSocket.Choose(null, noPlugin: true, noPluginEnvironment: null, privileged: true));
        Assert.Null(DockerPluginSocket.Choose(null, noPlugin: false, noPluginEnvironment: "1", privileged: true));
        Assert.Equal("/run/docker/plugins/weave.sock", DockerPluginSocket.Choose(null, noPlugin: false, noPluginEnvironment: "false", privileged: true));
        // Without root nobody could bind there: no plugin rather than a failed launch.
        Assert.Null(DockerPluginSocket.Choose(null, noPlugin: false, noPluginEnvironment: null, privileged: false));
        // A socket given is served whatever the default would be.
        Assert.Equal("/tmp/x/d1.sock", DockerPluginSocket.Choose("/tmp/x/d1.sock", noPlugin: false, noPluginEnvironment: "1", privileged: false));
        Assert.Equal(1, Assert.Throws<CliException>(() => DockerPluginSocket.Choose("/tmp/x/d1.sock", noPlugin: true, null, true)).ExitCode);
    }
}
