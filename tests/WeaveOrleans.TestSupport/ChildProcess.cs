using System.Diagnostics;

namespace WeaveOrleans.TestSupport;

/// <summary>A finished child process: its exit code and what it printed.</summary>
public sealed record ChildResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout.Trim()}; stderr: {Stderr.Trim()}";
}

/// <summary>Runs a program (argument list, no shell) to completion within a deadline, killing its tree if it overruns.</summary>
public static class ChildProcess
{
    /// <param name="environment">Variables to set; a null value removes the variable.</param>
    public static async Task<ChildResult> Run(string file, IEnumerable<string> args, TimeSpan timeout, string? stdin = null,
        IEnumerable<KeyValuePair<string, string?>>? environment = null)
    {
        var arguments = args.ToList();
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? [])
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s");
        }
        return new ChildResult(process.ExitCode, await stdout, await stderr);
    }
}
