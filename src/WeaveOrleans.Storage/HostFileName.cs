using System.Text;

namespace WeaveOrleans.Storage;

/// <summary>
/// Maps a host key (a peer name such as "8a:3c:...") to a file name that is safe on every file system and
/// distinct for distinct keys: letters, digits, '.' and '-' stay, every other UTF-8 byte becomes "_xx".
/// </summary>
internal static class HostFileName
{
    public static string For(string hostKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostKey);
        var name = new StringBuilder(hostKey.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(hostKey))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || (c is '-' or '.' && name.Length > 0))
            {
                name.Append(c);
            }
            else
            {
                name.Append('_').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return name.Append(".db").ToString();
    }
}
