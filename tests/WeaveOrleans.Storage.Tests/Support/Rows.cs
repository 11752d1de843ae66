namespace WeaveOrleans.Storage.Tests.Support;

internal static class Rows
{
    public static Dictionary<string, byte[]?> Of(params (string Ident, string? Payload)[] rows)
    {
        var result = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        foreach (var (ident, payload) in rows)
        {
            result[ident] = payload is null ? null : Bytes.Of(payload);
        }
        return result;
    }
}
