using System.Globalization;
using System.Text.RegularExpressions;

namespace WeaveOrleans.Network;

/// <summary>The names and PIDs handed to <c>ip</c> and <c>nsenter</c>, checked before anything runs.</summary>
internal static partial class InterfaceNames
{
    /// <summary>Linux allows at most 15 bytes without '/', ':' or whitespace; this keeps to a conservative set.</summary>
    public static void Check(string name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15 || !Pattern().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid interface name (1-15 of a-z A-Z 0-9 _ . -, not starting with '-')", parameter);
    }

    public static void CheckPid(int pid)
    {
        if (pid <= 0)
            throw new NetworkAttachException($"PID {pid} is not a process (is the container running?)");
        if (!File.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net"))
            throw new NetworkAttachException($"no process with PID {pid} (has the container exited?)");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.][A-Za-z0-9_.\-]*$")]
    private static partial Regex Pattern();
}
