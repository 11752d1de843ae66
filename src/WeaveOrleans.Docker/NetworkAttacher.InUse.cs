using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Docker;

/// <summary>Reading which interfaces are attached to a bridge and which addresses they carry (for the reclaim at launch).</summary>
public sealed partial class NetworkAttacher
{
    /// <summary>
    /// For every veth joined to <paramref name="bridge"/>, the interface index of its other end (inside some
    /// container's network namespace). Empty when the bridge does not exist or has no veths. Needs no root.
    /// </summary>
    public async Task<IReadOnlySet<int>> AttachedPeerIndexes(string bridge, CancellationToken cancellation = default)
    {
        var ip = FindIp();
        CheckInterfaceName(bridge, nameof(bridge));
        var show = await Run(ip, ["-o", "link", "show", "master", bridge], cancellation);
        if (show.ExitCode != 0)
            return IsNoSuchDevice(show) ? new HashSet<int>() : throw Failed($"listing the interfaces of bridge '{bridge}'", show);
        var peers = new HashSet<int>();
        foreach (Match m in VethPeer().Matches(show.Stdout))
            peers.Add(int.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture));
        return peers;
    }

    /// <summary>
    /// The IPv4 addresses ("a.b.c.d/len") that the network namespace of <paramref name="pid"/> has on the interfaces
    /// whose index is in <paramref name="indexes"/> (the container ends of a bridge's veths).
    /// </summary>
    public async Task<IReadOnlyList<string>> AddressesOnInterfaces(int pid, IReadOnlySet<int> indexes, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(pid);
        var show = await InContainer(nsenter, ip, pid, ["-o", "-4", "addr", "show"], cancellation);
        if (show.ExitCode != 0)
            throw Failed($"listing the addresses in the network namespace of PID {pid}", show);
        var found = new List<string>();
        foreach (Match m in IndexedAddress().Matches(show.Stdout))
            if (indexes.Contains(int.Parse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture)))
                found.Add(m.Groups[2].Value);
        return found;
    }

    // `ip -o link show`: "12: vethwe1a2b3c4d@if11: <BROADCAST,...> ... master weave ...".
    [GeneratedRegex(@"^\d+:\s+[^\s@:]+@if(\d+):", RegexOptions.Multiline)]
    private static partial Regex VethPeer();

    // `ip -o -4 addr show`: "11: ethwe    inet 10.32.0.1/12 brd ... scope global ethwe".
    [GeneratedRegex(@"^(\d+):\s+\S+\s+inet (\d+\.\d+\.\d+\.\d+/\d+)", RegexOptions.Multiline)]
    private static partial Regex IndexedAddress();
}
