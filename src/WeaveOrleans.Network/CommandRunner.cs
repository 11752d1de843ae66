using System.Diagnostics;

namespace WeaveOrleans.Network;

/// <summary>
/// Runs an external command with an argument list (never through a shell), with untranslated messages and a
/// time limit, and collects its output.
/// </summary>
internal static class CommandRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<CommandResult> Run(string file, IReadOnlyList<string> arguments, CancellationToken cancellation, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        // The callers recognise iproute2's errors by their English text.
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NetworkAttachException($"cannot run '{file}': {e.Message}", e);
        }
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
            cancellation.ThrowIfCancellationRequested();
            throw new NetworkAttachException($"'{file} {string.Join(' ', arguments)}' did not finish within {Timeout.TotalSeconds} s");
        }
        return new CommandResult(file, arguments, process.ExitCode, await stdout, await stderr);
    }
}
