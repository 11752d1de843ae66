using System.Globalization;

namespace WeaveOrleans.Contract.Text;

/// <summary>
/// The text users read, in Weave's wording and columns: one definition for the daemon (which fills its
/// status with it and answers HTTP with it) and the CLI (which prints it). Values in, text out; no state.
/// </summary>
public static class IpamText
{
    /// <summary>A peer as Weave names it in status: <c>name(nickname)</c>, or the name alone.</summary>
    public static string PeerLabel(string peerName, string? nickname) =>
        string.IsNullOrEmpty(nickname) ? peerName : $"{peerName}({nickname})";

    /// <summary>
    /// One line of <c>weave status ipam</c>: the peer, its share of the range, and for this peer its
    /// active count, for one this peer cannot reach a warning.
    /// </summary>
    public static string ShareLine(string peerName, string? nickname, UInt128 size, UInt128 rangeSize, bool isSelf, bool isReachable, int activeIps)
    {
        var percent = (double)size * 100.0 / (double)rangeSize;
        var tail = isSelf ? $"({activeIps} active)" : isReachable ? "" : "- unreachable!";
        // A nickname gossip carried as "" still shows its parentheses here, as it always has.
        var label = nickname is null ? peerName : $"{peerName}({nickname})";
        // Weave's column widths: the label padded to 37, the size right-aligned in 8.
        return string.Create(CultureInfo.InvariantCulture, $"{label,-37} {size,8} IPs ({percent:00.0}% of total) {tail}").TrimEnd();
    }

    /// <summary>Lines as a body: each ended by "\n", nothing at all when there are none.</summary>
    public static string Body(IEnumerable<string> lines)
    {
        var list = lines as IReadOnlyCollection<string> ?? [.. lines];
        return list.Count == 0 ? "" : string.Join('\n', list) + "\n";
    }

    /// <summary>rmpeer's answer: how many addresses were taken over from the peer named.</summary>
    public static string TakenOver(UInt128 count, string nameOrNickname) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} IPs taken over from {nameOrNickname}\n");
}
