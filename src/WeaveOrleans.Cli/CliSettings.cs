using System.Globalization;
using WeaveOrleans.Contract;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Cli;

/// <summary>Where this host's daemon is: its data directory (peer name, PID file, log) and its loopback gateway port.</summary>
public sealed record CliSettings(string DataDirectory, int GatewayPort, string? DockerEndpoint, string Bridge, TimeSpan Timeout)
{
    public string PeerNameFile => Path.Combine(DataDirectory, DataDirectoryLayout.PeerNameFileName);
    public string PidFile => Path.Combine(DataDirectory, DataDirectoryLayout.PidFileName);
    public string LogFile => Path.Combine(DataDirectory, DataDirectoryLayout.LogFileName);
    public string SupervisorPidFile => Path.Combine(DataDirectory, DataDirectoryLayout.SupervisorPidFileName);

    /// <summary>The PID in the daemon's PID file (alive or not); null when there is none.</summary>
    public int? ReadPid()
    {
        try
        {
            return File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public string SocketPath => DataDirectoryLayout.SocketPath(DataDirectory);

    public static string DefaultDataDirectory() =>
        DataDirectoryLayout.DefaultDataDirectory(Directory.GetCurrentDirectory());

    public static int ParsePort(string flag, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new CliException($"invalid {flag} \"{text}\": expected a port number from 1 to 65535");

    public static TimeSpan ParseSeconds(string flag, string text)
    {
        var trimmed = text.EndsWith('s') ? text[..^1] : text;
        return double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s > 0 && s < 86_400
            ? TimeSpan.FromSeconds(s)
            : throw new CliException($"invalid {flag} \"{text}\": expected a number of seconds");
    }

    /// <summary>The peer name the daemon keeps in the data directory; null when there is none (yet).</summary>
    public string? ReadPeerName()
    {
        try
        {
            if (!File.Exists(PeerNameFile))
                return null;
            var text = File.ReadAllText(PeerNameFile).Trim();
            return PeerName.TryParse(text, out var name, out _) ? name.ToString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
