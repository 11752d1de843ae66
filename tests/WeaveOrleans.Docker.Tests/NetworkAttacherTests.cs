using Docker.DotNet;
using Docker.DotNet.Models;
using WeaveOrleans.Docker.Tests.Support;
using WeaveOrleans.TestSupport;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Network;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Docker.Tests;

public class NetworkAttacherTests
{
    private static Cidr C(string text) => Cidr.Parse(text);

    private static string UniqueBridge() => "wotest" + Random.Shared.Next(0, 0xFFFFFF).ToString("x6");

    // ---- argument and environment errors (no root needed) ----

    [SkippableFact]
    public async Task Bad_arguments_are_refused_before_anything_runs()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var attacher = new NetworkAttacher(new NetworkAttacherOptions { IsPrivileged = () => true });
        var self = Environment.ProcessId;
        await Assert.ThrowsAsync<ArgumentException>(() => attacher.Attach(self, []));
        await Assert.ThrowsAsync<ArgumentException>(() => attacher.Attach(self, [C("10.99.0.5/24")], ifName: "eth;rm -rf"));
        await Assert.ThrowsAsync<ArgumentException>(() => attacher.Attach(self, [C("10.99.0.5/24")], ifName: "averyverylongname"));
        await Assert.ThrowsAsync<ArgumentException>(() => attacher.Expose(C("10.99.0.1/24"), bridge: "-bad"));
    }

    [SkippableFact]
    public async Task Environment_errors_say_what_is_wrong()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var notRoot = new NetworkAttacher(new NetworkAttacherOptions { IsPrivileged = () => false });
        var e1 = await Assert.ThrowsAsync<NetworkAttachException>(() => notRoot.EnsureBridge("wotestx"));
        Assert.Contains("root", e1.Message);

        var noIp = new NetworkAttacher(new NetworkAttacherOptions { IsPrivileged = () => true, IpPath = "/nonexistent/ip" });
        var e2 = await Assert.ThrowsAsync<NetworkAttachException>(() => noIp.Expose(C("10.99.0.1/24")));
        Assert.Contains("iproute2", e2.Message);

        var attacher = new NetworkAttacher(new NetworkAttacherOptions { IsPrivileged = () => true });
        var e3 = await Assert.ThrowsAsync<NetworkAttachException>(() => attacher.Attach(int.MaxValue, [C("10.99.0.5/24")]));
        Assert.Contains("no process with PID", e3.Message);
        var e4 = await Assert.ThrowsAsync<NetworkAttachException>(() => attacher.Detach(0, [C("10.99.0.5/24")]));
        Assert.Contains("not a process", e4.Message);
    }

    [Fact]
    public void Host_end_is_named_after_the_container()
    {
        Assert.Equal("vethwe0123456789ab".Substring(0, 15), NetworkAttacher.HostEndName(42, "0123456789abcdef"));
        Assert.Equal("vethwe42", NetworkAttacher.HostEndName(42, null));
    }

    // ---- the host bridge (root) ----

    [SkippableFact]
    public async Task Expose_and_hide_put_addresses_on_the_bridge()
    {
        TestDocker.RequireRoot();
        var attacher = new NetworkAttacher();
        var bridge = UniqueBridge();
        try
        {
            await attacher.EnsureBridge(bridge);
            await attacher.EnsureBridge(bridge); // idempotent
            var (_, link, _) = await TestDocker.Exec("ip", ["-d", "-o", "link", "show", "dev", bridge]);
            Assert.Contains("bridge", link);
            Assert.Contains("UP", link);

            await attacher.Expose(C("10.99.250.1/24"), bridge);
            await attacher.Expose(C("10.99.250.1/24"), bridge); // already there: fine
            Assert.Equal([C("10.99.250.1/24")], await attacher.HostAddresses(bridge));

            Assert.True(await attacher.Hide(C("10.99.250.1/24"), bridge));
            Assert.Empty(await attacher.HostAddresses(bridge));
            Assert.False(await attacher.Hide(C("10.99.250.1/24"), bridge));

            var notBridge = await Assert.ThrowsAsync<NetworkAttachException>(() => attacher.EnsureBridge("lo"));
            Assert.Contains("not a bridge", notBridge.Message);
        }
        finally
        {
            await attacher.DeleteBridge(bridge);
        }
        Assert.False(await attacher.DeleteBridge(bridge));
    }

    // ---- a real container (Docker + root) ----

    [SkippableFact]
    public async Task Attach_and_detach_a_container_with_no_network()
    {
        var endpoint = TestDocker.Require();
        var attacher = new NetworkAttacher();
        var bridge = UniqueBridge();
        using var containers = new DockerContainers(new DockerBridgeOptions { Endpoint = endpoint });
        ContainerInfo? c = null;
        try
        {
            await attacher.EnsureBridge(bridge);
            c = await containers.Run(TestDocker.Image, ["sleep", "600"]);
            var hostEnd = NetworkAttacher.HostEndName(c.Pid, c.Id);

            // Only loopback before.
            var (_, before, _) = await TestDocker.Docker("exec", c.Id, "ip", "-o", "link");
            Assert.DoesNotContain("ethwe", before);

            await attacher.Attach(c.Pid, [C("10.99.0.5/24")], bridge: bridge, containerId: c.Id);
            var (exit, shown, err) = await TestDocker.Docker("exec", c.Id, "ip", "addr", "show", "dev", "ethwe");
            Assert.True(exit == 0, err);
            Assert.Contains("inet 10.99.0.5/24", shown);
            Assert.Contains("UP", shown);
            var (_, hostLink, _) = await TestDocker.Exec("ip", ["-o", "link", "show", "dev", hostEnd]);
            Assert.Contains($"master {bridge}", hostLink);

            // A second attach adds to the same interface.
            await attacher.Attach(c.Pid, [C("10.99.0.6/24"), C("10.99.0.5/24")], bridge: bridge, containerId: c.Id);
            Assert.Equal(["10.99.0.5/24", "10.99.0.6/24"], (await attacher.Addresses(c.Pid)).Select(a => a.ToString()).Order());

            Assert.False(await attacher.Detach(c.Pid, [C("10.99.0.5/24")]));
            (_, shown, _) = await TestDocker.Docker("exec", c.Id, "ip", "addr", "show", "dev", "ethwe");
            Assert.DoesNotContain("10.99.0.5/", shown);
            Assert.Contains("inet 10.99.0.6/24", shown);

            Assert.True(await attacher.Detach(c.Pid, [C("10.99.0.6/24")]));
            (exit, _, _) = await TestDocker.Docker("exec", c.Id, "ip", "link", "show", "dev", "ethwe");
            Assert.NotEqual(0, exit);
            (exit, _, _) = await TestDocker.Exec("ip", ["-o", "link", "show", "dev", hostEnd]);
            Assert.NotEqual(0, exit); // the host end went with its peer
            Assert.False(await attacher.Detach(c.Pid, [C("10.99.0.6/24")]));

            // Attach needs the bridge.
            var noBridge = await Assert.ThrowsAsync<NetworkAttachException>(() => attacher.Attach(c.Pid, [C("10.99.0.7/24")], bridge: bridge + "x"));
            Assert.Contains("does not exist", noBridge.Message);

            // A container that has exited has no PID to enter.
            using var client = new DockerClientConfiguration(new Uri(endpoint)).CreateClient();
            await client.Containers.KillContainerAsync(c.Id, new ContainerKillParameters { Signal = "KILL" });
            await Eventually.True(() => !Directory.Exists($"/proc/{c.Pid}"), "container process gone");
            var gone = await Assert.ThrowsAsync<NetworkAttachException>(() => attacher.Attach(c.Pid, [C("10.99.0.5/24")], bridge: bridge));
            Assert.Contains("no process", gone.Message);
        }
        finally
        {
            if (c is not null) await containers.Remove(c.Id);
            await attacher.DeleteBridge(bridge);
        }
    }
}
