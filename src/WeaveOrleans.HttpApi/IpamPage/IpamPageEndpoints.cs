using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WeaveOrleans.Grains;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// The operator's view of IPAM: <c>GET /ipam</c> (one self-contained HTML page, no outside assets)
/// and <c>GET /ipam/data</c> (what it draws, as JSON, polled by the page).
/// </summary>
public static class IpamPageEndpoints
{
    private const string PageResource = "WeaveOrleans.HttpApi.IpamPage.ipam.html";
    private const string Html = "text/html; charset=utf-8";

    /// <summary>
    /// Maps the page, and serves the Orleans dashboard's start page at <paramref name="dashboardPrefix"/>
    /// with a link to it (null: no link). Call after <c>MapOrleansDashboard</c>. Returns the group
    /// holding every route it added, for conventions such as which listener may serve them.
    /// </summary>
    public static RouteGroupBuilder MapIpamPage(this IEndpointRouteBuilder endpoints, string? dashboardPrefix = "/dashboard")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var page = ReadPage();
        var group = endpoints.MapGroup("");
        group.MapGet("/ipam", () => NoStore(Results.Bytes(page, Html)));
        group.MapGet("/ipam/data", async (HttpContext ctx) =>
        {
            var grain = ctx.RequestServices.GetRequiredService<IHostAllocatorAccessor>().Grain;
            var view = IpamPageView.From(await grain.Status(), DateTimeOffset.UtcNow);
            ctx.Response.Headers.CacheControl = "no-store";
            ctx.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(ctx.Response.Body, view, IpamPageJsonContext.Default.IpamPageView, ctx.RequestAborted);
        });

        if (dashboardPrefix is not null && DashboardLink.IndexWithLink() is { } index)
        {
            var prefix = dashboardPrefix.TrimEnd('/');
            // Order -1: chosen over the dashboard's own routes for the same two paths.
            IResult Index(HttpContext ctx) => ctx.Request.Path.Value?.EndsWith('/') == false && ctx.Request.Path.Value.EndsWith(prefix, StringComparison.Ordinal)
                ? Results.Redirect($"{ctx.Request.PathBase}{ctx.Request.Path}/{ctx.Request.QueryString}", permanent: true)
                : NoStore(Results.Bytes(index, Html));
            group.MapGet(prefix + "/", Index).WithOrder(-1);
            group.MapGet(prefix + "/index.html", Index).WithOrder(-1);
        }
        return group;
    }

    private static IResult NoStore(IResult result) => new NoStoreResult(result);

    private sealed class NoStoreResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static byte[] ReadPage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"embedded resource {PageResource} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
