namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>
/// Hosts as network namespaces on one bridge that lives in a namespace of its own, each joined to
/// it by a veth pair and addressed 10.99.0.N/24 (no route to them exists outside these namespaces,
/// so nothing sent here can leave the machine). Links are cut with nft DROP rules on the receiving
/// host's input hook, per source address; <see cref="Apply"/> rewrites every host's rules at once.
/// Names carry the caller's prefix and a random suffix so parallel runs (and other tests' labs) do
/// not clash; <see cref="Dispose"/> deletes them all.
/// </summary>
internal sealed class NetLab : IDisposable
{
    private readonly string suffix = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
    private readonly List<string> created = [];

    public NetLab(int hosts, string prefix = "wn")
    {
        Bridge = $"{prefix}b-{suffix}";
        try
        {
            AddNamespace(Bridge);
            Ip("-n", Bridge, "link", "add", "br0", "type", "bridge");
            Ip("-n", Bridge, "link", "set", "br0", "up");
            for (var i = 1; i <= hosts; i++)
            {
                var ns = $"{prefix}h-{suffix}-{i}";
                AddNamespace(ns);
                // Both ends are created inside the bridge namespace, so no interface ever appears in the caller's.
                var (inner, outer) = ($"h{i}", $"v{i}");
                Ip("-n", Bridge, "link", "add", outer, "type", "veth", "peer", "name", inner);
                Ip("-n", Bridge, "link", "set", inner, "netns", ns);
                Ip("-n", Bridge, "link", "set", outer, "master", "br0", "up");
                Ip("-n", ns, "link", "set", inner, "name", "eth0");
                Ip("-n", ns, "addr", "add", $"{AddressOf(i)}/24", "dev", "eth0");
                Ip("-n", ns, "link", "set", "eth0", "up");
                Hosts.Add(ns);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Bridge { get; }
    public List<string> Hosts { get; } = [];

    /// <summary>Host i's address (1-based).</summary>
    public static string AddressOf(int host) => $"10.99.0.{host}";

    /// <summary>True when this process can make namespaces (root and a working <c>ip netns</c>); else why not.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
            return "not Linux";
        if (!File.ReadAllText("/proc/self/status").Contains("Uid:\t0\t", StringComparison.Ordinal))
            return "not root";
        if (!Shell.Succeeds("ip", "netns", "list"))
            return "`ip netns` is unavailable";
        if (!Shell.Succeeds("nft", "--version"))
            return "nft (Debian package nftables) is not installed";
        if (!Shell.Succeeds("nsenter", "--version"))
            return "nsenter is not installed";
        return null;
    }

    /// <summary>
    /// Installs exactly these cuts: each (from, to) pair (1-based hosts) drops every packet from
    /// <c>from</c> arriving at <c>to</c>. An empty set heals everything.
    /// </summary>
    public void Apply(IReadOnlyCollection<(int From, int To)> cuts)
    {
        for (var to = 1; to <= Hosts.Count; to++)
        {
            var sources = cuts.Where(c => c.To == to).Select(c => AddressOf(c.From)).Distinct().ToList();
            var rule = sources.Count == 0 ? "" : $"ip saddr {{ {string.Join(", ", sources)} }} drop";
            // One transaction: declare (if new), flush, refill; nft wants the rule on its own line.
            var script = "table inet nemesis {}\nflush table inet nemesis\n" +
                $"table inet nemesis {{\n chain input {{\n  type filter hook input priority 0; policy accept;\n  {rule}\n }}\n}}\n";
            Shell.Run("ip", ["netns", "exec", Hosts[to - 1], "nft", "-f", "-"], script);
        }
    }

    private void AddNamespace(string name)
    {
        Ip("netns", "add", name);
        created.Add(name);
        Ip("-n", name, "link", "set", "lo", "up");
    }

    private static void Ip(params string[] args) => Shell.Run("ip", args);

    public void Dispose()
    {
        // Deleting a namespace deletes the veth ends in it, and with them their peers.
        foreach (var ns in Enumerable.Reverse(created))
            Shell.Run("ip", ["netns", "delete", ns], check: false);
        created.Clear();
    }
}
