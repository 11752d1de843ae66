using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Docker;

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
    /// of <paramref name="veths"/> (from <see cref="AttachedVeths"/>). Both indexes of a pair must match: every
    /// container's first veth has the same index, whichever bridge its host end is on.
    /// </summary>
    public async Task<IReadOnlyList<string>> AddressesOnVeths(int pid, IReadOnlyDictionary<int, int> veths, CancellationToken cancellation = default)
    {
        var ip = Preflight();
        var nsenter = FindTool(_options.NsenterPath, "nsenter", "util-linux");
        CheckPid(pid);
        var links = await InContainer(nsenter, ip, pid, ["-o", "link", "show"], cancellation);
        if (links.ExitCode != 0)
            throw Failed($"listing the interfaces in the network namespace of PID {pid}", links);
        var ours = VethPairs(links.Stdout)
            .Where(pair => veths.TryGetValue(pair.Value, out var end) && end == pair.Key)
            .Select(pair => pair.Key)
            .ToHashSet();
        if (ours.Count == 0)
            return [];
        var show = await InContainer(nsenter, ip, pid, ["-o", "-4", "addr", "show"], cancellation);
        if (show.ExitCode != 0)
            throw Failed($"listing the addresses in the network namespace of PID {pid}", show);
        var found = new List<string>();
        foreach (Match m in IndexedAddress().Matches(show.Stdout))
            if (ours.Contains(Index(m.Groups[1])))
                found.Add(m.Groups[2].Value);
        return found;
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

    // `ip -o -4 addr show`: "11: ethwe    inet 10.32.0.1/12 brd ... scope global ethwe".
    [GeneratedRegex(@"^(\d+):\s+\S+\s+inet (\d+\.\d+\.\d+\.\d+/\d+)", RegexOptions.Multiline)]
    private static partial Regex IndexedAddress();
}
