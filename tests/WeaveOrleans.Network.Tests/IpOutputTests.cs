using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Network.Tests;

/// <summary>Reading iproute2's one-line output, as this machine's <c>ip -o</c> prints it.</summary>
public class IpOutputTests
{
    // `ip -o addr show` on a host with both families: loopback, a global IPv4 and IPv6 address, the kernel's link-local.
    private const string HostAddresses =
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
        "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever\n" +
        "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever\n" +
        "4: eth0    inet6 fd00::2/64 scope global nodad \\       valid_lft forever preferred_lft forever\n" +
        "4: eth0    inet6 fe80::fc:ff:fe00:1/64 scope link \\       valid_lft forever preferred_lft forever\n";

    [Fact]
    public void Address_lines_of_both_families_are_read_with_index_interface_and_scope()
    {
        var lines = IpOutput.Addresses(HostAddresses);
        Assert.Equal(
            [
                new IpAddressLine(1, "lo", Cidr.Parse("127.0.0.1/8"), "host"),
                new IpAddressLine(1, "lo", Cidr.Parse("::1/128"), "host"),
                new IpAddressLine(4, "eth0", Cidr.Parse("192.0.2.2/24"), "global"),
                new IpAddressLine(4, "eth0", Cidr.Parse("fd00::2/64"), "global"),
                new IpAddressLine(4, "eth0", Cidr.Parse("fe80::fc:ff:fe00:1/64"), "link"),
            ],
            lines);
    }

    [Fact]
    public void The_kernels_IPv6_link_local_addresses_are_not_ours()
    {
        Assert.Equal(
            [Cidr.Parse("127.0.0.1/8"), Cidr.Parse("::1/128"), Cidr.Parse("192.0.2.2/24"), Cidr.Parse("fd00::2/64")],
            IpOutput.AssignedAddresses(HostAddresses));
    }

    [Fact]
    public void An_IPv4_link_local_address_someone_assigned_is_kept()
    {
        const string line = "7: ethwe    inet 169.254.3.4/16 brd 169.254.255.255 scope link ethwe\\       valid_lft forever preferred_lft forever\n";
        Assert.Equal([Cidr.Parse("169.254.3.4/16")], IpOutput.AssignedAddresses(line));
    }

    [Fact]
    public void A_veths_name_loses_its_peer_suffix_and_secondary_addresses_keep_the_kernels_order()
    {
        const string output =
            "11: ethwe@if12    inet 10.32.0.5/12 brd 10.47.255.255 scope global ethwe\\       valid_lft forever preferred_lft forever\n" +
            "11: ethwe@if12    inet 10.32.0.1/12 brd 10.47.255.255 scope global secondary ethwe\\       valid_lft forever preferred_lft forever\n" +
            "11: ethwe@if12    inet6 2001:db8::5/64 scope global \\       valid_lft forever preferred_lft forever\n";
        var lines = IpOutput.Addresses(output);
        Assert.All(lines, l => Assert.Equal((11, "ethwe"), (l.Index, l.Interface)));
        Assert.Equal([Cidr.Parse("10.32.0.5/12"), Cidr.Parse("10.32.0.1/12"), Cidr.Parse("2001:db8::5/64")], lines.Select(l => l.Cidr));
    }

    [Fact]
    public void Lines_that_are_not_a_local_address_with_a_prefix_are_skipped()
    {
        const string output =
            "5: ppp0    inet 10.0.0.1 peer 10.0.0.2/32 scope global ppp0\\       valid_lft forever preferred_lft forever\n" +
            "6: odd    inet6 10.0.0.9/24 scope global odd\n" +
            "not an address line\n";
        Assert.Empty(IpOutput.Addresses(output));
    }

    // `ip -o link show master weave` on the host, and `ip -o link show` inside a container.
    private const string Links =
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n" +
        "12: vethwe1a2b3c4d@if11: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master weave state UP mode DEFAULT group default qlen 1000\\    link/ether 6e:2c:01:aa:bb:cc brd ff:ff:ff:ff:ff:ff link-netnsid 0\n" +
        "14: vethwe99@if13: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master weave state UP mode DEFAULT group default qlen 1000\\    link/ether 0a:00:00:00:00:0e brd ff:ff:ff:ff:ff:ff link-netnsid 1\n" +
        "3: weave: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n";

    [Fact]
    public void Links_are_read_with_their_veth_peers_and_MACs()
    {
        Assert.Equal(
            [
                new IpLinkLine(1, "lo", null, null),
                new IpLinkLine(12, "vethwe1a2b3c4d", 11, "6e:2c:01:aa:bb:cc"),
                new IpLinkLine(14, "vethwe99", 13, "0a:00:00:00:00:0e"),
                new IpLinkLine(3, "weave", null, "02:42:ac:11:00:02"),
            ],
            IpOutput.Links(Links));
    }

    [Fact]
    public void Veth_pairs_map_each_host_end_to_its_other_end()
    {
        Assert.Equal(new Dictionary<int, int> { [12] = 11, [14] = 13 }, IpOutput.VethPairs(Links));
    }

    [Fact]
    public void A_bridge_is_told_from_other_links_by_its_kind()
    {
        Assert.True(IpOutput.IsBridge("3: weave: <BROADCAST,MULTICAST,UP> mtu 1500 ...\\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff promiscuity 0 \\    bridge forward_delay 1500 hello_time 200 "));
        Assert.False(IpOutput.IsBridge("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 ...\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 addrgenmode eui64"));
        Assert.False(IpOutput.IsBridge("9: vethx@if8: <BROADCAST> mtu 1500 ... master weave\\    link/ether 0a:00:00:00:00:09 brd ff:ff:ff:ff:ff:ff \\    veth \\    bridge_slave state forwarding "));
    }
}
