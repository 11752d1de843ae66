using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// One real <c>weaver</c> daemon, run as <c>dotnet weaver.dll ...</c> on loopback with its own free
/// ports, data directory and log file. Kill is SIGKILL (no graceful shutdown); Start again reuses the
/// same ports and data directory, so it is a restart after a crash. Dispose kills the process by PID.
/// Shared with bench/WeaveOrleans.Http.Benchmarks (linked source).
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    private static readonly object PortLock = new();
    private static readonly HashSet<int> HandedOut = [];

    private Process? process;
    private int startCount;

    public DaemonProcess(string name, string nickname, string workDir, string range, string init,
        IEnumerable<string>? extraArgs = null, double tickSeconds = 0.2, double gossipSeconds = 0.5)
    {
        Name = name;
        Nickname = nickname;
        Range = range;
        Init = init;
        TickSeconds = tickSeconds;
        GossipSeconds = gossipSeconds;
        ExtraArgs = [.. extraArgs ?? []];
        DataDir = Path.Combine(workDir, nickname);
        Directory.CreateDirectory(DataDir);
        LogPath = Path.Combine(workDir, nickname + ".log");
        PeerPort = FreePort();
        HttpPort = FreePort();
        StatusPort = FreePort();
        DashboardPort = FreePort();
        MetricsPort = FreePort();
        SiloPort = FreePort();
        GatewayPort = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }
    public string Nickname { get; }
    public string Range { get; }
    public string Init { get; }
    public double TickSeconds { get; }
    public double GossipSeconds { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public string DataDir { get; }
    public string LogPath { get; }
    /// <summary>A free loopback port unless set (daemons in namespaces of their own can share one).</summary>
    public int PeerPort { get; set; }
    public int HttpPort { get; }
    public int StatusPort { get; }
    public int DashboardPort { get; }

    /// <summary>The <c>--metrics-addr</c> listener (GET /metrics alone).</summary>
    public int MetricsPort { get; }

    /// <summary>The <c>--http-addr</c> to start with; by default loopback on <see cref="HttpPort"/>, which <see cref="Http"/> talks to.</summary>
    public string? HttpAddr { get; set; }

    /// <summary>The <c>--dashboard-addr</c> to start with; by default loopback on <see cref="DashboardPort"/>.</summary>
    public string? DashboardAddr { get; set; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public HttpClient Http { get; }

    public List<string> Peers { get; } = [];

    /// <summary>The <c>--host</c> the peer port listens on (and others dial); loopback unless the daemon runs in a namespace.</summary>
    public string PeerHost { get; set; } = "127.0.0.1";

    /// <summary>A network namespace under /run/netns to start the daemon in (through <c>nsenter --net=</c>, which execs: the PID stays the daemon's).</summary>
    public string? NetNamespace { get; set; }

    /// <summary>The weaver.dll to run; by default <see cref="FindWeaverDll"/> (the bench compares builds by setting it).</summary>
    public string? WeaverDll { get; set; }

    /// <summary>Variables set for the daemon after the defaults (a null value removes one, e.g. the tests' <c>DOTNET_gcServer</c>).</summary>
    public Dictionary<string, string?> Variables { get; } = [];

    public string PeerAddress => $"{PeerHost}:{PeerPort}";
    public int? Pid => process?.Id;
    public bool Running => process is { HasExited: false };

    /// <summary>weaver.dll of the Host project built in the same configuration as the caller, else the copy next to it.</summary>
    public static string FindWeaverDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var config = baseDir.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
                continue;
            var built = Path.Combine(dir.FullName, "src", "WeaveOrleans.Host", "bin", config, "net10.0", "weaver.dll");
            if (File.Exists(built))
                return built;
            break;
        }
        var local = Path.Combine(baseDir, "weaver.dll");
        return File.Exists(local) ? local : throw new FileNotFoundException("weaver.dll not found; build src/WeaveOrleans.Host first", local);
    }

    /// <summary>A loopback port nobody listens on now and that this process has not handed out before.</summary>
    public static int FreePort()
    {
        lock (PortLock)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }

    public IReadOnlyList<string> Arguments()
    {
        string Sec(double s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<string> args =
        [
            WeaverDll ?? FindWeaverDll(),
            "--name", Name, "--nickname", Nickname, "--data-dir", DataDir,
            "--port", PeerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--host", PeerHost,
            "--http-addr", HttpAddr ?? $"127.0.0.1:{HttpPort}", "--status-addr", $"127.0.0.1:{StatusPort}",
            "--dashboard-addr", DashboardAddr ?? $"127.0.0.1:{DashboardPort}",
            "--metrics-addr", $"127.0.0.1:{MetricsPort}",
            "--silo-port", SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ipalloc-range", Range, "--ipalloc-init", Init,
            "--tick-interval", Sec(TickSeconds), "--gossip-interval", Sec(GossipSeconds),
            "--docker-endpoint", "none",
        ];
        args.AddRange(ExtraArgs);
        args.AddRange(Peers);
        return args;
    }

    public void Start()
    {
        if (Running)
            throw new InvalidOperationException($"{Nickname} is already running");
        var info = new ProcessStartInfo(NetNamespace is null ? "dotnet" : "nsenter")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DataDir,
        };
        if (NetNamespace is not null)
        {
            info.ArgumentList.Add($"--net=/run/netns/{NetNamespace}");
            info.ArgumentList.Add("dotnet");
        }
        foreach (var a in Arguments())
            info.ArgumentList.Add(a);
        // Keep the daemon away from settings of the environment the tests run in.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("WEAVE_", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in Variables)
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }

        var log = new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"---- start #{++startCount}: {info.FileName} {string.Join(' ', info.ArgumentList)}");
        var p = new Process { StartInfo = info, EnableRaisingEvents = true };
        void Write(string? line)
        {
            if (line is null)
                return;
            lock (log)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
        p.OutputDataReceived += (_, e) => Write(e.Data);
        p.ErrorDataReceived += (_, e) => Write(e.Data);
        p.Exited += (_, _) =>
        {
            try
            {
                p.WaitForExit(); // drains the output readers
                lock (log)
                {
                    log.WriteLine($"---- exited with code {p.ExitCode}");
                    log.Dispose();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
    }

    /// <summary>SIGTERM (a graceful stop), then wait for the process to be gone; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var p = process ?? throw new InvalidOperationException($"{Nickname} was never started");
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await p.WaitForExitAsync(cts.Token);
        return p.ExitCode;
    }

    /// <summary>SIGKILL, then wait for the process to be gone.</summary>
    public void Kill()
    {
        var p = process;
        if (p is null)
            return;
        try
        {
            if (!p.HasExited)
                p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Polls until the HTTP API answers /status; fails early when the process exits.</summary>
    public async Task WaitForHttpAsync(TimeSpan timeout)
    {
        await PollAsync(async () =>
        {
            if (process is { HasExited: true })
                throw new InvalidOperationException($"{Nickname} exited with code {process.ExitCode}; log tail:\n{LogTail()}");
            try
            {
                using var r = await Http.GetAsync("status");
                return r.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, timeout, $"{Nickname} HTTP API up");
    }

    public async Task<string> GetTextAsync(string path)
    {
        using var r = await Http.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        if (!r.IsSuccessStatusCode)
            throw new HttpRequestException($"{Nickname} GET {path}: {(int)r.StatusCode} {body}");
        return body;
    }

    /// <summary>POST /ip/{id}, or /ip/{id}/{subnet} when one is given; returns the CIDR text.</summary>
    public async Task<string> AllocateAsync(string id, string? subnet = null)
    {
        var path = $"ip/{Uri.EscapeDataString(id)}" + (subnet is null ? "" : $"/{subnet}");
        using var r = await Http.PostAsync(path, null);
        var body = (await r.Content.ReadAsStringAsync()).Trim();
        if (!r.IsSuccessStatusCode)
            throw new HttpRequestException($"{Nickname} POST /{path}: {(int)r.StatusCode} {body}");
        return body;
    }

    /// <summary>Non-empty lines of /status/ipam (one per peer in the ring).</summary>
    public async Task<string[]> IpamLinesAsync() =>
        (await GetTextAsync("status/ipam")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string LogTail(int lines = 30)
    {
        try
        {
            using var s = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(s);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public static async Task PollAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
                return;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The end of a multi-daemon test: the log tail of each daemon still running goes to
    /// <paramref name="log"/> (it is what explains a failure), every daemon is stopped by PID, and
    /// the work directory is removed.
    /// </summary>
    public static void DisposeAll(IEnumerable<DaemonProcess> daemons, string workDir, Action<string> log)
    {
        foreach (var d in daemons)
        {
            if (d.Running)
                log($"--- {d.Nickname} log tail\n{d.LogTail(15)}");
            d.Dispose();
        }
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Dispose()
    {
        if (process is { } p)
        {
            try
            {
                // By PID, in case the Process object lost track of it.
                using var byPid = Process.GetProcessById(p.Id);
                if (!byPid.HasExited)
                    byPid.Kill(entireProcessTree: true);
                byPid.WaitForExit(10_000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
            p.Dispose();
        }
        Http.Dispose();
    }
}
