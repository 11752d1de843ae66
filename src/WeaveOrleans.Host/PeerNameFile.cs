using System.Security.Cryptography;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Host;

/// <summary>
/// The generated peer name, kept in the data directory so a restart is the same peer: 48 random bits
/// with the locally administered bit set and the multicast bit clear, like a made-up MAC address.
/// </summary>
public static class PeerNameFile
{
    public const string FileName = Contract.DataDirectoryLayout.PeerNameFileName;

    public static PeerName LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            if (File.Exists(path))
            {
                var text = File.ReadAllText(path).Trim();
                return PeerName.TryParse(text, out var stored, out var error)
                    ? stored
                    : throw new LaunchException($"{path} is not a peer name ({error}): fix or delete it");
            }
            var name = Generate();
            Directory.CreateDirectory(dataDirectory);
            var temp = path + ".tmp";
            File.WriteAllText(temp, name + "\n");
            File.Move(temp, path, overwrite: true);
            return name;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LaunchException($"cannot keep the peer name in {dataDirectory}: {e.Message}");
        }
    }

    public static PeerName Generate()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = (byte)((bytes[0] | 0x02) & ~0x01);
        ulong value = 0;
        foreach (var b in bytes)
            value = (value << 8) | b;
        return new PeerName(value);
    }
}
