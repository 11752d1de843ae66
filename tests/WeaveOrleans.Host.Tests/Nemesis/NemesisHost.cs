using System.Text.Json;

namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>
/// One host of a nemesis run: a real <c>weaver</c> in its own network namespace, listening for
/// peers on its namespace address, reached by the test over its unix socket. Tracks whether it is
/// meant to be running, so an exit nobody asked for shows.
/// </summary>
internal sealed class NemesisHost : IDisposable
{
    public NemesisHost(int index, string ns, string name, string workDir, string range, int hosts, IEnumerable<string> peers, int peerPort,
        IEnumerable<string>? extraArgs = null)
    {
        Index = index;
        Daemon = new DaemonProcess(name, $"host{index}", workDir, range, $"consensus={hosts}", extraArgs)
        {
            NetNamespace = ns,
            PeerHost = NetLab.AddressOf(index),
            PeerPort = peerPort,
        };
        Daemon.Peers.AddRange(peers);
        var socket = Contract.DataDirectoryLayout.SocketPath(Daemon.DataDir);
        Client = SocketHttp.For(socket, TimeSpan.FromSeconds(6));
        Admin = SocketHttp.For(socket, TimeSpan.FromSeconds(15));
    }

    public int Index { get; }
    public DaemonProcess Daemon { get; }

    /// <summary>For client operations: a short timeout, after which the operation counts as maybe applied.</summary>
    public HttpClient Client { get; }

    /// <summary>For the test's own reads (status, report, listings).</summary>
    public HttpClient Admin { get; }

    public bool MeantToRun { get; private set; }
    public bool Removed { get; set; }

    public void Start()
    {
        Daemon.Start();
        MeantToRun = true;
    }

    public void Kill()
    {
        MeantToRun = false;
        Daemon.Kill();
    }

    /// <summary>Polls GET /status over the socket; fails at once if the process exits.</summary>
    public Task WaitUpAsync(TimeSpan timeout) => DaemonProcess.PollAsync(async () =>
    {
        if (!Daemon.Running)
            throw new InvalidOperationException($"host{Index} exited while starting; log tail:\n{Daemon.LogTail()}");
        try
        {
            using var r = await Admin.GetAsync("status");
            return r.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }, timeout, $"host{Index} answers on its socket");

    /// <summary>GET /ip: id → addresses this host holds.</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> ListingAsync()
    {
        using var doc = JsonDocument.Parse(await Admin.GetStringAsync("ip"));
        var result = new Dictionary<string, string[]>();
        foreach (var e in doc.RootElement.GetProperty("owned").EnumerateArray())
            result[e.GetProperty("containerid").GetString()!] = [.. e.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)];
        return result;
    }

    /// <summary>GET /status/json: the whole status (ring entries, connected peers, sizes as strings).</summary>
    public async Task<JsonDocument> ReportAsync() => JsonDocument.Parse(await Admin.GetStringAsync("status/json"));

    public void Dispose()
    {
        if (Daemon.Pid is { } pid && Daemon.Running)
            Shell.Signal(pid, "CONT");
        Daemon.Dispose();
        Client.Dispose();
        Admin.Dispose();
    }
}
