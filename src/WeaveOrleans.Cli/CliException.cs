namespace WeaveOrleans.Cli;

/// <summary>A failure the CLI reports as one line ("weave: MESSAGE") with <see cref="ExitCode"/>.</summary>
public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
