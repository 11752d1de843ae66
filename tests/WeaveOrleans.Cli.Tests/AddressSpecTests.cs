namespace WeaveOrleans.Cli.Tests;

public class AddressSpecTests
{
    [Theory]
    [InlineData("net:default", AddressKind.DefaultSubnet, null)]
    [InlineData("net:10.2.0.0/16", AddressKind.Subnet, "10.2.0.0/16")]
    [InlineData("ip:10.2.1.1/24", AddressKind.Address, "10.2.1.1/24")]
    [InlineData("10.2.1.1/24", AddressKind.Address, "10.2.1.1/24")]
    public void Parses_weave_address_arguments(string text, AddressKind kind, string? cidr)
    {
        Assert.True(AddressSpec.TryParse(text, out var spec, out var error), error);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(cidr, spec.Cidr);
    }

    [Fact]
    public void No_arguments_mean_the_default_subnet()
    {
        var specs = AddressSpec.ParseAll([]);
        Assert.Equal([AddressSpec.Default], specs);
    }

    [Theory]
    [InlineData("net:10.2.0.1/16", "host bits set")]
    [InlineData("net:10.2.0.0/31", "at least 4")]
    [InlineData("net:nonsense", "invalid CIDR")]
    [InlineData("ip:10.2.1.1", "missing /prefix-length")]
    [InlineData("10.2.1.300/24", "invalid CIDR")]
    [InlineData("10.2.1.1/33", "prefix length 33")]
    public void Rejects_bad_addresses_with_the_cidr_message(string text, string expected)
    {
        Assert.False(AddressSpec.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("net:default", true)]
    [InlineData("ip:1.2.3.4/8", true)]
    [InlineData("10.0.0.1/8", true)]
    [InlineData("busybox:weave", false)]
    [InlineData("library/busybox", false)]
    public void Tells_addresses_from_docker_run_arguments(string text, bool isAddress) =>
        Assert.Equal(isAddress, AddressSpec.LooksLikeAddress(text));

    [Fact]
    public void Run_arguments_get_a_separator_after_weave_options()
    {
        Assert.Equal(["--data-dir", "/d", "run", "--timeout", "5", "--", "net:default", "--name", "x", "busybox:weave"],
            WeaveCli.SeparateRunArguments(["--data-dir", "/d", "run", "--timeout", "5", "net:default", "--name", "x", "busybox:weave"]));
        Assert.Equal(["status"], WeaveCli.SeparateRunArguments(["status"]));
    }

    [Fact]
    public void Docker_run_arguments_are_split_into_name_image_and_command()
    {
        var (name, image, command) = WeaveCli.ParseDockerRun(["-d", "--name", "c1", "busybox:weave", "sleep", "600"]);
        Assert.Equal("c1", name);
        Assert.Equal("busybox:weave", image);
        Assert.Equal(["sleep", "600"], command);
        Assert.Equal(1, Assert.Throws<CliException>(() => WeaveCli.ParseDockerRun(["-p", "80:80", "img"])).ExitCode);
        Assert.Equal(1, Assert.Throws<CliException>(() => WeaveCli.ParseDockerRun(["--name", "x"])).ExitCode);
    }

    [Fact]
    public void Route_overlap_ignores_default_routes_and_the_bridge()
    {
        const string table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            + "eth0\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "eth0\t0000200A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
            + "weave\t0000FE0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        var routes = HostRoutes.Parse(table);
        Assert.Equal(3, routes.Count);
        Assert.Equal("10.32.0.0/16", routes[1].Destination.ToString());
        Assert.Equal("10.32.0.0/16", HostRoutes.FindOverlap(Ipam.Addresses.Cidr.Parse("10.32.0.0/12"), routes, "weave")?.Destination.ToString());
        Assert.Null(HostRoutes.FindOverlap(Ipam.Addresses.Cidr.Parse("10.254.0.0/16"), routes, "weave"));
        Assert.Null(HostRoutes.FindOverlap(Ipam.Addresses.Cidr.Parse("10.64.0.0/12"), routes, "weave"));
    }
}
