using System.Text.Json;

namespace WeaveOrleans.Host.Gossip;

/// <summary>
/// The direct peers kept in the data directory (<c>targets.json</c>, a JSON array of host:port),
/// rewritten after every connect and forget, as Weave keeps its <c>directPeers</c>: written to a
/// temporary file, flushed, then renamed over the old one, so a crash leaves the old list or the new.
/// </summary>
public static class TargetsFile
{
    public const string FileName = "targets.json";

    /// <summary>The stored list, or null when none was ever stored.</summary>
    public static IReadOnlyList<string>? Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<string[]>(File.ReadAllText(path)) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new LaunchException($"cannot read the stored peers in {path} ({e.Message}): fix or delete it");
        }
    }

    public static void Save(string dataDirectory, IEnumerable<string> targets)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, targets.ToArray());
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
