namespace WeaveOrleans.Cli;

/// <summary>
/// Whether and where <c>weave launch</c> has the daemon serve Docker's IPAM driver. By default as
/// Weave did: the driver <c>weave</c>, on the socket dockerd looks for it at; <c>--no-plugin</c> (or
/// <c>WEAVE_NO_PLUGIN</c>) skips it. Only root can put a socket there, so without root the default
/// is skipped rather than failing the launch.
/// </summary>
public static class DockerPluginSocket
{
    public const string DefaultPath = "/run/docker/plugins/weave.sock";

    /// <summary>The <c>--plugin-socket</c> to give the daemon, or null for none.</summary>
    public static string? Choose(string? given, bool noPlugin, string? noPluginEnvironment, bool privileged)
    {
        if (!string.IsNullOrWhiteSpace(given))
            return noPlugin ? throw new CliException("--no-plugin and --plugin-socket contradict each other: give one") : given;
        if (noPlugin || IsSet(noPluginEnvironment) || !privileged)
            return null;
        return DefaultPath;
    }

    private static bool IsSet(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Trim().ToLowerInvariant() is not ("0" or "false" or "no");
}
