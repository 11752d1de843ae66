using System.Diagnostics;

namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>Runs one system command (ip, nft, kill) to completion; a non-zero exit is an exception carrying its stderr.</summary>
internal static class Shell
{
    public static string Run(string file, IEnumerable<string> args, string? stdin = null, bool check = true)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish in 30 s");
        }
        if (check && p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)}: exit {p.ExitCode}: {stderr.Result.Trim()}");
        return stdout.Result;
    }

    public static bool Succeeds(string file, params string[] args)
    {
        try
        {
            Run(file, args);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return false;
        }
    }

    public static void Signal(int pid, string signal) =>
        Run("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false);
}
