using System.Globalization;
using WeaveOrleans.Ipam.Addresses;

namespace WeaveOrleans.Cli;

/// <summary>An IPv4 route of the host, as read from /proc/net/route.</summary>
public sealed record HostRoute(string Interface, Cidr Destination);

/// <summary>Reads the host's IPv4 routes (read only: nothing is ever added or changed).</summary>
public static class HostRoutes
{
    public const string ProcPath = "/proc/net/route";

    public static IReadOnlyList<HostRoute> Read(string path = ProcPath)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Parses /proc/net/route text: Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, little-endian).</summary>
    public static IReadOnlyList<HostRoute> Parse(string text)
    {
        var routes = new List<HostRoute>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8
                || !uint.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var dest)
                || !uint.TryParse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                continue;
            var d = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(dest);
            var m = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(mask);
            var length = System.Numerics.BitOperations.PopCount(m);
            routes.Add(new HostRoute(f[0], new Cidr(Address.FromV4(d & m), length)));
        }
        return routes;
    }

    /// <summary>The first route (other than a default route or one on <paramref name="bridge"/>) that overlaps <paramref name="range"/>.</summary>
    public static HostRoute? FindOverlap(Cidr range, IEnumerable<HostRoute> routes, string bridge) =>
        routes.FirstOrDefault(r => r.Destination.PrefixLength > 0 && r.Interface != bridge
            && r.Destination.Range.Start < range.Range.End && range.Range.Start < r.Destination.Range.End);
}
