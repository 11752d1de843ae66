using System.Diagnostics;

namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>What a finished command printed and how it exited.</summary>
public sealed record Outcome(string Command, int Code, string Out, string Err)
{
    public bool Ok => Code == 0;

    /// <summary>Everything needed to see why an assertion on this outcome failed.</summary>
    public override string ToString() => $"`{Command}` exited {Code}\nstdout: {Out.TrimEnd()}\nstderr: {Err.TrimEnd()}";
}

/// <summary>Runs a program to completion with an argument list, an environment and a deadline (killed, process tree and all, past it).</summary>
public static class Exec
{
    public static async Task<Outcome> Program(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? deadline = null)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        var text = $"{file} {string.Join(' ', info.ArgumentList)}";
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {text}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(120));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return new Outcome(text, -1, await stdout, await stderr + $"\n(killed: not finished within {(deadline ?? TimeSpan.FromSeconds(120)).TotalSeconds:0} s)");
        }
        return new Outcome(text, p.ExitCode, await stdout, await stderr);
    }
}
