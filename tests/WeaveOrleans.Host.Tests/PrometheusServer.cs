using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// A real Prometheus server for one test: its own config file and storage directory, a free loopback
/// port, a 1 s scrape interval; stopped by PID on dispose. Queries go through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly string _logPath;

    private PrometheusServer(Process process, int port, string logPath)
    {
        _process = process;
        _logPath = logPath;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    /// <summary>
    /// The binary: WEAVE_TEST_PROMETHEUS, else `prometheus` on PATH, else what
    /// <c>scripts/prometheus-test-server install</c> installs. Null (with the reason) when none can be had.
    /// </summary>
    public static string? FindBinary(out string reason)
    {
        reason = "";
        var configured = Environment.GetEnvironmentVariable("WEAVE_TEST_PROMETHEUS");
        if (!string.IsNullOrEmpty(configured) && File.Exists(configured))
            return configured;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "prometheus")))
                return Path.Combine(dir, "prometheus");
        var script = Path.Combine(RepositoryRoot(), "scripts", "prometheus-test-server");
        var install = Process.Start(new ProcessStartInfo(script, "install") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = install.StandardOutput.ReadToEnd().Trim();
        var error = install.StandardError.ReadToEnd().Trim();
        install.WaitForExit();
        if (install.ExitCode == 0 && File.Exists(output))
            return output;
        reason = $"prometheus is not installed and {script} install could not install it: {error.Split('\n').LastOrDefault()}";
        return null;
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port) every second and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string binary, string workDir, IEnumerable<string> targets)
    {
        var dir = Directory.CreateDirectory(Path.Combine(workDir, "prometheus")).FullName;
        var config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: weaver
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = DaemonProcess.FreePort();
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        foreach (var a in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
            info.ArgumentList.Add(a);
        var logPath = Path.Combine(dir, "prometheus.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (log) if (e.Data is not null) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) if (e.Data is not null) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, port, logPath);
        try
        {
            await DaemonProcess.PollAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"prometheus exited with code {process.ExitCode}: {server.LogTail()}");
                try
                {
                    using var r = await server.Http.GetAsync("-/ready");
                    return r.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20), "prometheus ready");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>An instant query: each series' labels and value (an empty list when nothing matches).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var reply = await Http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}");
        var body = await reply.Content.ReadAsStringAsync();
        if (!reply.IsSuccessStatusCode)
            throw new HttpRequestException($"prometheus query {promql}: {(int)reply.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
            throw new InvalidDataException($"prometheus query {promql}: not a vector: {body}");
        return [.. data.GetProperty("result").EnumerateArray().Select(series => (
            (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            double.Parse(series.GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The value of a query that must match at most one series; null when it matches none.</summary>
    public async Task<double?> ValueAsync(string promql)
    {
        var result = await QueryAsync(promql);
        return result.Count switch
        {
            0 => null,
            1 => result[0].Value,
            _ => throw new InvalidDataException($"prometheus query {promql} matched {result.Count} series"),
        };
    }

    /// <summary>Polls a query until its value satisfies <paramref name="expected"/>; the timeout message shows the last value.</summary>
    public async Task<double> WaitForAsync(string promql, Func<double, bool> expected, string what, TimeSpan timeout)
    {
        double? last = null;
        try
        {
            await DaemonProcess.PollAsync(async () => (last = await ValueAsync(promql)) is { } v && expected(v), timeout, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; {promql} was {last?.ToString(CultureInfo.InvariantCulture) ?? "absent"}");
        }
        return last!.Value;
    }

    public string LogTail(int lines = 20)
    {
        try
        {
            using var s = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return string.Join('\n', new StreamReader(s).ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("WeaveOrleans.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try
        {
            // By PID, in case the Process object lost track of it.
            using var byPid = Process.GetProcessById(_process.Id);
            if (!byPid.HasExited)
                byPid.Kill(entireProcessTree: true);
            byPid.WaitForExit(10_000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
        }
        _process.Dispose();
        Http.Dispose();
    }
}
