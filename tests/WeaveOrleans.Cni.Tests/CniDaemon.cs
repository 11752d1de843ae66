using System.Text.Json;
using WeaveOrleans.Host.Tests;

namespace WeaveOrleans.Cni.Tests;

/// <summary>
/// One real daemon serving its HTTP API on loopback and on a unix socket in its own temporary directory, which
/// the plugin is pointed at. Stopped by PID and its directory removed at the end.
/// </summary>
public class CniDaemon : IAsyncLifetime
{
    public const string Range = "10.87.0.0/16";

    private readonly string _init;
    private readonly bool _prime;

    protected CniDaemon(string init, bool prime)
    {
        _init = init;
        _prime = prime;
        WorkDir = Directory.CreateTempSubdirectory("wcni-").FullName;
        Socket = Path.Combine(WorkDir, "weave.sock");
        var salt = Random.Shared.Next(256);
        Daemon = new DaemonProcess($"7e:00:00:0c:{salt:x2}:01", "cni1", WorkDir, Range, _init);
        Daemon.HttpAddr = $"127.0.0.1:{Daemon.HttpPort},{Socket}";
    }

    /// <summary>A daemon that is alone in its ring (consensus of one), ring made before the tests start.</summary>
    public CniDaemon() : this("consensus=1", prime: true)
    {
    }

    public DaemonProcess Daemon { get; }
    public string WorkDir { get; }
    public string Socket { get; }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("WEAVE_TEST_CNI") is not { Length: > 0 })
            return; // every test of the class skips
        Daemon.Start();
        await Daemon.WaitForHttpAsync(TimeSpan.FromSeconds(60));
        if (_prime)
            await Daemon.GetTextAsync("ring");
    }

    /// <summary>GET /ip: every ident the daemon holds, with its addresses.</summary>
    public async Task<Dictionary<string, string[]>> OwnedAsync()
    {
        using var doc = JsonDocument.Parse(await Daemon.GetTextAsync("ip"));
        return doc.RootElement.GetProperty("owned").EnumerateArray().ToDictionary(
            o => o.GetProperty("containerid").GetString()!,
            o => o.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    /// <summary>What the daemon holds for <paramref name="network"/>'s attachments (idents <c>cni:NETWORK:...</c>).</summary>
    public async Task<Dictionary<string, string[]>> OwnedOnAsync(string network) =>
        (await OwnedAsync()).Where(o => o.Key.StartsWith($"cni:{network}:", StringComparison.Ordinal)).ToDictionary();

    public async Task DisposeAsync()
    {
        Daemon.Kill();
        await Task.CompletedTask;
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A daemon that waits for a peer it never gets (consensus of two): it has no ring and cannot allocate.</summary>
public sealed class RinglessDaemon : CniDaemon
{
    public RinglessDaemon() : base("consensus=2", prime: false)
    {
    }
}

/// <summary>The test classes that share one <see cref="CniDaemon"/> (each uses network names of its own).</summary>
[CollectionDefinition(Name)]
public sealed class CniDaemonCollection : ICollectionFixture<CniDaemon>
{
    public const string Name = "cni daemon";
}
