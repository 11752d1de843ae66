using System.Globalization;
using WeaveOrleans.Contract;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Host;

/// <summary>
/// What the daemon leaves in its data directory for its clients (<see cref="DataDirectoryLayout"/>):
/// its PID and peer name, written once it serves, however it was started (by <c>weave launch</c>,
/// or <c>scripts/weaver</c> in the foreground), so <c>weave stop</c> and every other command find it.
/// </summary>
public sealed class DaemonFiles(string dataDirectory)
{
    private readonly string _pidFile = Path.Combine(dataDirectory, DataDirectoryLayout.PidFileName);
    private readonly string _pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public void Announce(PeerName name)
    {
        Directory.CreateDirectory(dataDirectory);
        WriteAtomically(Path.Combine(dataDirectory, DataDirectoryLayout.PeerNameFileName), name + "\n");
        WriteAtomically(_pidFile, _pid + "\n");
    }

    /// <summary>Removes the PID file at a graceful stop, unless another daemon has written its own since.</summary>
    public void Withdraw()
    {
        try
        {
            if (File.Exists(_pidFile) && File.ReadAllText(_pidFile).Trim() == _pid)
                File.Delete(_pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
