namespace WeaveOrleans.Cni.Tests;

/// <summary>A network namespace this test made (<c>ip netns add</c>), deleted again by name at Dispose.</summary>
internal sealed class NetNamespace : IAsyncDisposable
{
    private NetNamespace(string name) => Name = name;

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    public static async Task<NetNamespace> Create(string prefix)
    {
        var ns = new NetNamespace(CniTools.UniqueName(prefix));
        await ProcessRun.Ok("ip", "netns", "add", ns.Name);
        await ProcessRun.Ok("ip", "-n", ns.Name, "link", "set", "lo", "up");
        return ns;
    }

    /// <summary>The IPv4 addresses (CIDR) on <paramref name="device"/> inside this namespace; empty when there is no such device.</summary>
    public async Task<string[]> Addresses(string device)
    {
        var r = await ProcessRun.Run("ip", ["-n", Name, "-4", "-o", "addr", "show", "dev", device]);
        if (r.ExitCode != 0)
            return [];
        return [.. r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => f[Array.IndexOf(f, "inet") + 1])];
    }

    public async ValueTask DisposeAsync() => await ProcessRun.Run("ip", ["netns", "del", Name]);
}
