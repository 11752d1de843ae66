using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Docker;

/// <summary>An interface as <c>weave ps</c> shows it: its name, MAC and IPv4 addresses ("a.b.c.d/len") in the kernel's order.</summary>
public sealed record NetDevice(string Name, string Mac, IReadOnlyList<string> Cidrs);

/// <summary>Reading which interfaces are attached to a bridge and which addresses they carry (for the reclaim at launch).</summary>
public sealed partial class NetworkAttacher
{
    /// <summary>
    /// The veths joined to <paramref name="bridge"/>: for each, its interface index on the host and the index of its
    /// other end (inside some container's network namespace). Empty when the bridge does not exist or has no veths.
    /// Needs no root.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, int>> AttachedVeths(string bridge, CancellationToken cancellation = default)
    {
        var ip = FindIp();
        CheckInterfaceName(bridge, nameof(bridge));
        var show = await Run(ip, ["-o", "link", "show", "master", bridge], cancellation);
        if (show.ExitCode != 0)
            return IsNoSuchDevice(show) ? new Dictionary<int, int>() : throw Failed($"listing the interfaces of bridge '{bridge}'", show);
        return VethPairs(show.Stdout);
    }

    /// <summary>
    /// The IPv4 addresses ("a.b.c.d/len") that the network namespace of <paramref name="pid"/> has on the other ends
    /// of <paramref name="veths"/> (from <see cref="AttachedVeths"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> AddressesOnVeths(int pid, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation = default) =>
        [.. (await DevicesOnVeths(pid, veths, cancellation)).SelectMany(d => d.Cidrs)];

    /// <summary>
    /// The interfaces in the network namespace of <paramref name="pid"/> that are the other ends of <paramref name="veths"/>
    /// (from <see cref="AttachedVeths"/>), with their MACs and IPv4 addresses in the kernel's order. Both indexes of a
    /// pair must match: every container's first veth has the same index, whichever bridge its host end is on.
    /// </summary>
    public async Task<IReadOnlyList<NetDevice>> DevicesOnVeths(int pid, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(pid);
        // Links and addresses from one ip process (its batch mode): weave ps looks into every running container.
        var show = await Run(nsenter, ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "--", ip, "-o", "-4", "-batch", "-"], cancellation,
            input: "link show\naddr show\n");
        if (show.ExitCode != 0)
            throw Failed($"listing the interfaces in the network namespace of PID {pid}", show);
        var ours = new List<(int Index, string Name, string Mac)>();
        foreach (Match m in VethDevice().Matches(show.Stdout))
            if (veths.TryGetValue(Index(m.Groups[3]), out var end) && end == Index(m.Groups[1]))
                ours.Add((Index(m.Groups[1]), m.Groups[2].Value, m.Groups[4].Value));
        if (ours.Count == 0)
            return [];
        var addresses = IndexedAddress().Matches(show.Stdout).Select(m => (Index: Index(m.Groups[1]), Cidr: m.Groups[2].Value)).ToList();
        return [.. ours.Select(d => new NetDevice(d.Name, d.Mac, [.. addresses.Where(a => a.Index == d.Index).Select(a => a.Cidr)]))];
    }

    /// <summary>The bridge itself as a device (its MAC and IPv4 addresses, in the kernel's order); null when there is no such interface. Needs no root.</summary>
    public async Task<NetDevice?> BridgeDevice(string bridge, CancellationToken cancellation = default)
    {
        var ip = FindIp();
        CheckInterfaceName(bridge, nameof(bridge));
        var link = await Run(ip, ["-o", "link", "show", "dev", bridge], cancellation);
        if (link.ExitCode != 0)
            return IsNoSuchDevice(link) ? null : throw Failed($"looking at '{bridge}'", link);
        var show = await Run(ip, ["-o", "-4", "addr", "show", "dev", bridge], cancellation);
        if (show.ExitCode != 0)
            throw Failed($"listing addresses of '{bridge}'", show);
        var mac = EtherAddress().Match(link.Stdout) is { Success: true } m ? m.Groups[1].Value : "";
        return new NetDevice(bridge, mac, [.. ParseAddresses(show.Stdout)]);
    }

    /// <summary>From <c>ip -o link show</c>: interface index → index of the other end, for every interface that has one.</summary>
    private static Dictionary<int, int> VethPairs(string ipOneLineOutput)
    {
        var pairs = new Dictionary<int, int>();
        foreach (Match m in VethPeer().Matches(ipOneLineOutput))
            pairs[Index(m.Groups[1])] = Index(m.Groups[2]);
        return pairs;
    }

    private static int Index(Group g) => int.Parse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture);

    // `ip -o link show`: "12: vethwe1a2b3c4d@if11: <BROADCAST,...> ... master weave ...".
    [GeneratedRegex(@"^(\d+):\s+[^\s@:]+@if(\d+):", RegexOptions.Multiline)]
    private static partial Regex VethPeer();

    // The same line with its MAC: "... link/ether 6e:2c:01:aa:bb:cc brd ff:ff:ff:ff:ff:ff ...".
    [GeneratedRegex(@"^(\d+):\s+([^\s@:]+)@if(\d+):[^\n]*?link/ether ([0-9a-f:]{17})", RegexOptions.Multiline)]
    private static partial Regex VethDevice();

    [GeneratedRegex(@"link/ether ([0-9a-f:]{17})")]
    private static partial Regex EtherAddress();

    // `ip -o -4 addr show`: "11: ethwe    inet 10.32.0.1/12 brd ... scope global ethwe".
    [GeneratedRegex(@"^(\d+):\s+\S+\s+inet (\d+\.\d+\.\d+\.\d+/\d+)", RegexOptions.Multiline)]
    private static partial Regex IndexedAddress();
}
