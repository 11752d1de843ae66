namespace WeaveOrleans.TestSupport;

/// <summary>UTF-8 payloads for transport tests.</summary>
public static class TestText
{
    public static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlyMemory<byte> b) => System.Text.Encoding.UTF8.GetString(b.Span);
}
