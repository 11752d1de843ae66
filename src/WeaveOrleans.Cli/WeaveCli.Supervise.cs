using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WeaveOrleans.Cli;

public sealed partial class WeaveCli
{
    /// <summary>
    /// <c>weave supervise -- PROGRAM ARGS...</c> (hidden): what <c>weave launch</c> runs in the
    /// background. Runs the daemon, and starts it again when it dies (<see cref="RestartPolicy"/>);
    /// SIGTERM is passed on to the daemon. Its own PID is in &lt;data-dir&gt;/weave-supervisor.pid.
    /// </summary>
    private Command SuperviseCommand()
    {
        var command = new Command("supervise", "Run the weave daemon and restart it if it dies (used by weave launch)") { Hidden = true };
        var daemon = new Argument<string[]>("DAEMON") { Description = "The daemon's program and arguments", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(daemon);
        command.SetAction(async (parsed, cancellation) =>
        {
            var settings = Settings(parsed);
            var commandLine = parsed.GetValue(daemon) ?? [];
            DaemonProcess.WritePid(settings.SupervisorPidFile, Environment.ProcessId);
            try
            {
                return await Supervise(settings, commandLine[0], commandLine[1..], cancellation);
            }
            finally
            {
                TryDelete(settings.SupervisorPidFile);
            }
        });
        return command;
    }

    private async Task<int> Supervise(CliSettings settings, string program, string[] arguments, CancellationToken cancellation)
    {
        var policy = new RestartPolicy();
        var stopping = false;
        Process? current = null;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping = true;
            if (current is { HasExited: false } p)
                DaemonProcess.Signal(p.Id, DaemonProcess.SigTerm);
        });
        while (true)
        {
            var started = Stopwatch.StartNew();
            using var process = DaemonProcess.StartForeground(program, arguments);
            current = process;
            await process.WaitForExitAsync(cancellation);
            var served = settings.ReadPid() == process.Id;
            var delay = stopping ? null : policy.After(process.ExitCode, served, started.Elapsed);
            if (delay is not { } wait)
                return process.ExitCode;
            _err.WriteLine($"weave: the daemon (PID {process.Id}) exited with code {process.ExitCode} after {started.Elapsed.TotalSeconds:0} s; starting it again in {wait.TotalSeconds:0} s");
            var deadline = Stopwatch.StartNew();
            while (!stopping && deadline.Elapsed < wait)
                await Task.Delay(100, cancellation);
            if (stopping)
                return process.ExitCode;
        }
    }
}
