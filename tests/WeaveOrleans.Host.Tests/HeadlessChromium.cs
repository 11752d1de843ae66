using System.Diagnostics;

namespace WeaveOrleans.Host.Tests;

/// <summary>
/// Debian's <c>chromium</c>, headless, one process per page: the DOM after the page's scripts ran
/// (<c>--dump-dom</c> with a virtual-time budget, so timers and fetches inside it complete) or a
/// screenshot. Each run has its own profile directory and a deadline, and is killed by PID if it
/// overruns. <c>WEAVE_TEST_CHROMIUM</c> names the binary (CI sets it through scripts/install-chromium);
/// otherwise <c>chromium</c> on PATH; tests skip when there is neither.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static string? Binary
    {
        get
        {
            if (Environment.GetEnvironmentVariable("WEAVE_TEST_CHROMIUM") is { Length: > 0 } configured)
                return File.Exists(configured) ? configured : throw new FileNotFoundException($"WEAVE_TEST_CHROMIUM={configured} does not exist");
            return (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "chromium"))
                .FirstOrDefault(File.Exists);
        }
    }

    /// <summary>The serialized DOM once <paramref name="virtualMs"/> of page time has passed.</summary>
    public static async Task<string> DumpDomAsync(Uri url, int virtualMs = 3000) =>
        await RunAsync([$"--virtual-time-budget={virtualMs}", "--dump-dom", url.ToString()]);

    public static async Task ScreenshotAsync(Uri url, string file, int width, int height, int virtualMs = 3000) =>
        await RunAsync([$"--virtual-time-budget={virtualMs}", $"--window-size={width},{height}", "--hide-scrollbars", $"--screenshot={file}", url.ToString()]);

    private static async Task<string> RunAsync(IEnumerable<string> args)
    {
        var binary = Binary ?? throw new InvalidOperationException("no chromium");
        var profile = Directory.CreateTempSubdirectory("weave-chromium-").FullName;
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--disable-dev-shm-usage", $"--user-data-dir={profile}", .. args])
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {binary}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(Deadline);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"chromium did not finish within {Deadline.TotalSeconds:0}s: {string.Join(' ', info.ArgumentList)}");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        var output = await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {(await stderr).Trim()}");
        return output;
    }
}
