using System.Text;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// The Orleans dashboard (10.4.2) has no setting for extra menu entries, so its start page is served
/// with one more element: a link to the IPAM page. The page is the dashboard's own embedded
/// index.html, read from its assembly at start; when the dashboard is not loaded, or a later version
/// ships a page without a body to append to, there is no link (the IPAM page still links back).
/// </summary>
internal static class DashboardLink
{
    private const string DashboardAssembly = "Orleans.Dashboard";
    private const string IndexResource = "Orleans.Dashboard.wwwroot.index.html";

    /// <summary>Relative, so it holds under any path base: from <c>/dashboard/</c> it is <c>/ipam</c>.</summary>
    private const string Link = """
        <a id="weave-ipam-link" href="../ipam" title="WeaveOrleans: who owns which part of the IP range"
           style="position:fixed;top:10px;right:16px;z-index:2000;padding:6px 12px;border-radius:6px;background:#2f6fa3;color:#fff;font:600 14px system-ui,sans-serif;text-decoration:none;box-shadow:0 1px 4px rgba(0,0,0,.3)">IPAM ring &#8594;</a>
        """;

    /// <summary>The dashboard's start page with the link, or null when it cannot be had.</summary>
    public static byte[]? IndexWithLink()
    {
        var assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == DashboardAssembly);
        if (assembly?.GetManifestResourceStream(IndexResource) is not { } stream)
            return null;
        string html;
        using (var reader = new StreamReader(stream, Encoding.UTF8))
            html = reader.ReadToEnd();
        var body = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return body < 0 ? null : Encoding.UTF8.GetBytes(html.Insert(body, Link + "\n"));
    }
}
