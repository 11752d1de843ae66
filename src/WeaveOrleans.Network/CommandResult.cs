namespace WeaveOrleans.Network;

/// <summary>How one external command ended, and what iproute2's messages on stderr mean for the callers.</summary>
internal sealed record CommandResult(string File, IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public bool IsNoSuchDevice =>
        Stderr.Contains("does not exist", StringComparison.Ordinal) || Stderr.Contains("Cannot find device", StringComparison.Ordinal);

    public bool IsAlreadyAssigned =>
        Stderr.Contains("File exists", StringComparison.Ordinal) || Stderr.Contains("already assigned", StringComparison.Ordinal);

    public bool IsAddressAbsent => Stderr.Contains("Cannot assign requested address", StringComparison.Ordinal);

    public string Describe()
    {
        var message = Stderr.Trim();
        if (message.Length == 0) message = Stdout.Trim();
        return $"'{Path.GetFileName(File)} {string.Join(' ', Arguments)}' exited with {ExitCode}: {message}";
    }

    public NetworkAttachException Failure(string what) => new($"{what} failed: {Describe()}");

    /// <summary>This result when the command succeeded; otherwise a failure that names <paramref name="what"/>.</summary>
    public CommandResult Check(string what) => Succeeded ? this : throw Failure(what);
}
