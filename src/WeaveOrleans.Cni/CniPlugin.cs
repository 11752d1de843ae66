using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.Cni;

/// <summary>One invocation: the command named by CNI_COMMAND on the configuration read from stdin.</summary>
internal static class CniPlugin
{
    /// <summary>Bound on the calls that do not wait for space (DEL, CHECK, GC, STATUS).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> Run(Func<string, string?> environment, byte[] stdin, Stream stdout)
    {
        var version = CniVersions.Latest;
        try
        {
            var env = PluginEnvironment.Read(environment);
            if (env.Command == "VERSION" && stdin.AsSpan().Trim((byte)' ').Length == 0)
            {
                CniOutput.WriteVersions(stdout, version);
                return 0;
            }
            var config = NetworkConfig.Parse(stdin);
            if (CniVersions.IsSupported(config.CniVersion))
                version = config.CniVersion;
            if (env.Command == "VERSION")
            {
                CniOutput.WriteVersions(stdout, config.CniVersion);
                return 0;
            }
            if (env.Command is not ("ADD" or "DEL" or "CHECK" or "GC" or "STATUS"))
                throw new CniException(CniErrorCode.InvalidEnvironment,
                    $"unknown CNI_COMMAND \"{PluginEnvironment.Printable(env.Command)}\" (expected ADD, DEL, CHECK, GC, STATUS or VERSION)");
            RequireVersion(config, env.Command);
            using var daemon = new DaemonClient(config.Socket);
            await (env.Command switch
            {
                "ADD" => Commands.Add(env, config, daemon, stdout),
                "DEL" => Commands.Delete(env, config, daemon, Deadline()),
                "CHECK" => Commands.Check(env, config, daemon, Deadline()),
                "GC" => Commands.CollectGarbage(config, daemon, Deadline()),
                _ => Commands.Status(daemon, Deadline()),
            });
            return 0;
        }
        catch (CniException e)
        {
            CniOutput.WriteError(stdout, version, e);
            return 1;
        }
        catch (Exception e)
        {
            // Never a stack trace: one line naming what went wrong.
            CniOutput.WriteError(stdout, version, new CniException(CniErrorCode.IoFailure, $"unexpected failure: {OneLine.Of(e.Message)}"));
            return 1;
        }
    }

    private static CancellationToken Deadline() => new CancellationTokenSource(CallTimeout).Token;

    private static void RequireVersion(NetworkConfig config, string command)
    {
        var version = config.CniVersion;
        if (!CniVersions.IsSupported(version))
            throw new CniException(CniErrorCode.IncompatibleVersion,
                $"CNI version \"{PluginEnvironment.Printable(version)}\" is not supported (weave-ipam speaks {string.Join(", ", CniVersions.Supported)})");
        if (command == "CHECK" && !CniVersions.HasCheck(version))
            throw new CniException(CniErrorCode.IncompatibleVersion, $"CHECK needs cniVersion 0.4.0 or later, not {version}");
        if (command is "GC" or "STATUS" && !CniVersions.HasGcAndStatus(version))
            throw new CniException(CniErrorCode.IncompatibleVersion, $"{command} needs cniVersion 1.1.0, not {version}");
    }
}
