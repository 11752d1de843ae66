namespace WeaveOrleans.Storage.Tests.Support;

/// <summary>Snapshot parts for store tests: the store treats them as opaque keyed records.</summary>
internal static class Parts
{
    public static readonly IReadOnlyDictionary<string, byte[]?> None = new Dictionary<string, byte[]?>(StringComparer.Ordinal);

    /// <summary>A snapshot made of the one part "ring" holding <paramref name="ring"/>.</summary>
    public static Dictionary<string, byte[]?> Ring(string ring) => Of(("ring", ring));

    public static Dictionary<string, byte[]?> Of(params (string Key, string? Payload)[] parts) => Rows.Of(parts);
}
