using Microsoft.AspNetCore.Connections.Features;

namespace WeaveOrleans.Host.Listeners;

/// <summary>
/// The one place that decides whether a request may be served on the listener it arrived on. Runs
/// after routing: a route not meant for this listener is 404 (as if it did not exist there), a
/// browser-borne request is refused (foreign <c>Host</c>: 421; cross-origin state change: 403), and
/// the dashboard listener asks for its password when one is set (401).
/// </summary>
public sealed class ListenerGate(ListenerPlan plan)
{
    /// <summary>Key of the connection item that carries the listener's <see cref="Listener"/>.</summary>
    public static readonly object ItemKey = typeof(ListenerGate);

    private readonly HostHeaderPolicy _hosts = new(plan.AllowedHosts.ToHashSet(StringComparer.Ordinal));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // A connection that was not tagged (cannot happen with the daemon's own Kestrel set-up) is
        // refused: fail closed.
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var item) != true || item is not Listener listener)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!listener.Address.IsSocket && !_hosts.Accepts(context.Request.Headers.Host))
        {
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, $"host \"{context.Request.Headers.Host}\" is not served here (see --allowed-hosts)");
            return;
        }
        if (listener.Kinds.HasFlag(ListenerKind.Dashboard) && plan.Dashboard is { } credentials && !credentials.Accepts(context.Request.Headers.Authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"weave dashboard\", charset=\"UTF-8\"";
            await Refuse(context, StatusCodes.Status401Unauthorized, "the dashboard needs its user name and password");
            return;
        }
        if (context.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<ServedOnAttribute>() is { } servedOn)
        {
            if ((servedOn.Kinds & listener.Kinds) == ListenerKind.None)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }
        else if (context.GetEndpoint() is { } rejection && !IsMethodRejection(rejection))
        {
            // A route mapped without saying where it is served is served nowhere.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (IsCrossOriginStateChange(context.Request))
        {
            await Refuse(context, StatusCodes.Status403Forbidden, "cross-origin requests may not change state");
            return;
        }
        await next(context);
    }

    /// <summary>
    /// Routing answers a known path with the wrong verb through an endpoint of its own (405) that
    /// carries no metadata; it only ever writes 405, so it may run on any listener.
    /// </summary>
    private static bool IsMethodRejection(Endpoint endpoint) =>
        endpoint.Metadata.Count == 0 && endpoint.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) == true;

    /// <summary>
    /// A browser sends <c>Origin</c> with every cross-site POST/PUT/DELETE, also "simple" ones that
    /// need no CORS pre-flight; command-line clients send none. Same-origin requests (the
    /// dashboard's own scripts) pass.
    /// </summary>
    private static bool IsCrossOriginStateChange(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            return false;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site";
        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message + "\n");
    }
}
