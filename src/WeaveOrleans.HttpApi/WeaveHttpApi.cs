using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WeaveOrleans.Grains;
using WeaveOrleans.HttpApi.Report;
using WeaveOrleans.HttpApi.Templates;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Contract.Api;
using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// Weave Net's control API (<c>127.0.0.1:6784</c>) over this host's <see cref="IHostAllocatorGrain"/>:
/// the same verbs, paths, status codes and bodies, with two deliberate differences: a cancelled
/// allocation, claim or prime answers <c>409 cancelled</c> (Weave answered <c>200 cancelled</c>, which
/// a client can mistake for an address), and a malformed request always answers 400 with a one-line
/// reason.
/// </summary>
public static class WeaveHttpApi
{
    /// <summary>
    /// Maps every route: <see cref="MapWeaveControlApi"/>, <see cref="MapWeaveStatusApi"/> and
    /// <see cref="MapWeaveMetrics"/>. Needs an <see cref="IHostAllocatorAccessor"/> in dependency
    /// injection; optionally reads <see cref="WeaveHttpApiOptions"/> and an
    /// <see cref="IGossipMetricsSource"/>. Paths that match no route answer 404 and known paths with
    /// the wrong verb 405 (endpoint routing does both).
    /// </summary>
    public static IEndpointRouteBuilder MapWeaveHttpApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWeaveControlApi();
        endpoints.MapWeaveStatusApi();
        endpoints.MapWeaveMetrics();
        return endpoints;
    }

    /// <summary>
    /// The routes that allocate, claim, free, look up addresses and change the ring (and the
    /// lookups that name containers): for a listener only this host's own clients can reach.
    /// </summary>
    public static RouteGroupBuilder MapWeaveControlApi(this IEndpointRouteBuilder endpoints)
    {
        var api = HandlersFor(endpoints);
        var group = endpoints.MapGroup("");
        group.MapPost("/ip/{id}", api.AllocateInDefault);
        group.MapPost("/ip/{id}/{ip}/{prefixlen}", api.AllocateInSubnet);
        group.MapPut("/ip/{id}/{ip}/{prefixlen}", api.Claim);
        group.MapGet("/ip", api.ListAll);
        group.MapGet("/ip/{id}", api.LookupInDefault);
        group.MapGet("/ip/{id}/{ip}/{prefixlen}", api.LookupInSubnet);
        group.MapDelete("/ip/{id}/{ip}", api.Free);
        group.MapDelete("/ip/{id}", api.Delete);
        group.MapGet("/ipinfo/defaultsubnet", api.DefaultSubnet);
        group.MapGet("/ipinfo/tracker", api.Tracker);
        group.MapGet("/ring", api.Prime);
        group.MapDelete("/peer", api.Shutdown);
        group.MapDelete("/peer/{name}", api.RemovePeer);
        group.MapPost("/connect", api.Connect);
        group.MapPost("/forget", api.Forget);
        return group;
    }

    /// <summary>
    /// Read-only views of the peer and its ring (<c>/status</c> and its sub-routes, Weave's
    /// <c>/report</c>, and <c>/status/json</c>, the whole status as the CLI and tests read it): safe to expose.
    /// </summary>
    public static RouteGroupBuilder MapWeaveStatusApi(this IEndpointRouteBuilder endpoints)
    {
        var api = HandlersFor(endpoints);
        var group = endpoints.MapGroup("");
        group.MapGet("/status", api.Status);
        group.MapGet("/status/ipam", api.StatusIpam);
        group.MapGet("/status/targets", api.StatusTargets);
        group.MapGet("/status/connections", api.StatusConnections);
        group.MapGet("/status/peers", api.StatusPeers);
        group.MapGet("/status/json", api.StatusJson);
        group.MapGet("/report", api.Report);
        return group;
    }

    /// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
    public static RouteGroupBuilder MapWeaveMetrics(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("");
        group.MapGet("/metrics", HandlersFor(endpoints).Metrics);
        return group;
    }

    // One set of handlers (and so one metrics registry and one cached default subnet) per
    // application, however many of the groups it maps.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IServiceProvider, Handlers> HandlersByApp = [];

    private static Handlers HandlersFor(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        if (services.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(IHostAllocatorAccessor)))
            throw new InvalidOperationException($"MapWeaveHttpApi needs an {nameof(IHostAllocatorAccessor)} registered in dependency injection.");
        return HandlersByApp.GetValue(services, s => new Handlers(new IpamMetrics(s.GetService<IGossipMetricsSource>())));
    }

    private const string PlainText = "text/plain; charset=utf-8";
    private const string JsonContent = "application/json; charset=utf-8";
    private const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The body of a cancelled allocation, claim or prime (Weave's word), sent with 409.</summary>
    public const string CancelledBody = "cancelled";

    private sealed class Handlers(IpamMetrics metrics)
    {
        // The default subnet is launch configuration: read once it is known, then kept (boxed: a Cidr is too wide to be written atomically).
        private volatile System.Runtime.CompilerServices.StrongBox<Cidr>? _defaultSubnet;

        public RequestDelegate AllocateInDefault => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            var isContainer = Flag(ctx, "check-alive");
            await ReplyAllocation(ctx, await grain.Allocate(ident, null, isContainer, ctx.RequestAborted));
        });

        public RequestDelegate AllocateInSubnet => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            var isContainer = Flag(ctx, "check-alive");
            if (!RequestInput.TryParseSubnet(Route(ctx, "ip"), Route(ctx, "prefixlen"), out var subnet, out var error))
                throw new BadInput(error);
            await ReplyAllocation(ctx, await grain.Allocate(ident, subnet, isContainer, ctx.RequestAborted));
        });

        public RequestDelegate Claim => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            var isContainer = Flag(ctx, "check-alive");
            var noErrorOnUnknown = Flag(ctx, "noErrorOnUnknown");
            if (!RequestInput.TryParseCidr(Route(ctx, "ip"), Route(ctx, "prefixlen"), out var cidr, out var error))
                throw new BadInput($"Unable to claim: {error}");
            var reply = await grain.Claim(ident, cidr, isContainer, noErrorOnUnknown, ctx.RequestAborted);
            await ReplyNoContent(ctx, reply, "Unable to claim: ");
        });

        public RequestDelegate ListAll => ctx => Run(ctx, async grain =>
        {
            var owned = await grain.ListAll();
            var report = new OwnedReport([.. owned.Select(o => new OwnedReportEntry(o.Ident, [.. o.Addresses.Select(a => a.ToString())], o.IsContainer))]);
            await Json(ctx, report, ApiJsonContext.Default.OwnedReport);
        });

        public RequestDelegate LookupInDefault => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            var subnet = await DefaultSubnetOf(grain);
            await Text(ctx, StatusCodes.Status200OK, string.Join(' ', await grain.Lookup(ident, subnet)));
        });

        public RequestDelegate LookupInSubnet => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            if (!RequestInput.TryParseCidr(Route(ctx, "ip"), Route(ctx, "prefixlen"), out var cidr, out var error))
                throw new BadInput(error);
            // Host bits are ignored here: a lookup only filters by the block the CIDR names.
            var subnet = new Cidr(cidr.Network, cidr.PrefixLength);
            await Text(ctx, StatusCodes.Status200OK, string.Join(' ', await grain.Lookup(ident, subnet)));
        });

        public RequestDelegate Free => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            if (!RequestInput.TryParseAddress(Route(ctx, "ip"), out var address, out var error))
                throw new BadInput($"Unable to free: {error}");
            await ReplyNoContent(ctx, await grain.Free(ident, address), "Unable to free: ");
        });

        public RequestDelegate Delete => ctx => Run(ctx, async grain =>
        {
            var ident = Ident(ctx);
            // The engine's own wording is Weave's: "Delete: no addresses for X".
            await ReplyNoContent(ctx, await grain.Delete(ident), "");
        });

        public RequestDelegate DefaultSubnet => ctx => Run(ctx, async grain =>
            await Text(ctx, StatusCodes.Status200OK, (await DefaultSubnetOf(grain))?.ToString() ?? ""));

        public RequestDelegate Tracker => ctx =>
        {
            var options = ctx.RequestServices.GetService<IOptions<WeaveHttpApiOptions>>()?.Value ?? new WeaveHttpApiOptions();
            return Text(ctx, StatusCodes.Status200OK, string.IsNullOrEmpty(options.Tracker) ? "none" : options.Tracker);
        };

        public RequestDelegate Prime => ctx => Run(ctx, async grain =>
        {
            var reply = await grain.Prime(ctx.RequestAborted);
            if (reply.IsOk)
                ctx.Response.StatusCode = StatusCodes.Status200OK;
            else
                await Refused(ctx, reply, "");
        });

        public RequestDelegate Shutdown => ctx => Run(ctx, async grain =>
            await ReplyNoContent(ctx, await grain.Shutdown(), ""));

        public RequestDelegate RemovePeer => ctx => Run(ctx, async grain =>
        {
            var name = Route(ctx, "name");
            if (RequestInput.IdentProblem(name) is { } problem)
                throw new BadInput(problem.Replace("invalid id", "invalid peer name", StringComparison.Ordinal));
            var reply = await grain.RemovePeer(name!);
            if (reply.IsOk)
                await Text(ctx, StatusCodes.Status200OK, Contract.Text.IpamText.TakenOver(reply.TakenOver ?? UInt128.Zero, name!));
            else
                await Refused(ctx, reply, "");
        });

        /// <summary>Weave's <c>POST /connect</c>: <c>peer</c> repeated and <c>replace=true</c>, in the query or a form body.</summary>
        public RequestDelegate Connect => ctx => Run(ctx, async grain =>
        {
            var router = RouterOf(ctx) ?? throw new NotServed();
            var peers = Values(ctx, "peer");
            var replace = Flag(ctx, "replace");
            var errors = await router.ConnectAsync(peers, replace, ctx.RequestAborted);
            // Weave adds the good peers and reports the bad ones; here nothing changes unless all are good.
            if (errors.Count > 0)
                throw new BadInput(string.Join("; ", errors));
            ctx.Response.StatusCode = StatusCodes.Status200OK;
        });

        /// <summary>Weave's <c>POST /forget</c>: always 200, empty.</summary>
        public RequestDelegate Forget => ctx => Run(ctx, grain =>
        {
            var router = RouterOf(ctx) ?? throw new NotServed();
            router.Forget(Values(ctx, "peer"));
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        });

        /// <summary>503 with the whole text until the router says the allocator is ready, as Weave does.</summary>
        public RequestDelegate Status => ctx => Run(ctx, async grain =>
        {
            var router = RouterOf(ctx);
            IpamStatus status;
            try
            {
                status = await grain.Status();
            }
            catch (Exception e) when (router is { Ready: false } && !ctx.RequestAborted.IsCancellationRequested)
            {
                await Text(ctx, StatusCodes.Status503ServiceUnavailable, OneLine.Of($"weave is not ready: {e.Message}") + "\n");
                return;
            }
            await Text(ctx, ReadyCode(router), StatusText.Block(status, router));
        });

        public RequestDelegate StatusIpam => ctx => Run(ctx, async grain =>
            await Text(ctx, ReadyCode(RouterOf(ctx)), StatusText.RangeReport(await grain.Status())));

        public RequestDelegate StatusTargets => ctx => Run(ctx, grain =>
        {
            var router = RouterOf(ctx) ?? throw new NotServed();
            return Text(ctx, ReadyCode(router), RouterStatusText.Targets(router));
        });

        public RequestDelegate StatusConnections => ctx => Run(ctx, async grain =>
        {
            var router = RouterOf(ctx) ?? throw new NotServed();
            var status = await grain.Status();
            await Text(ctx, ReadyCode(router), RouterStatusText.Connections(router, status.PeerPassword));
        });

        public RequestDelegate StatusPeers => ctx => Run(ctx, async grain =>
        {
            var router = RouterOf(ctx) ?? throw new NotServed();
            var status = await grain.Status();
            await Text(ctx, ReadyCode(router), RouterStatusText.Peers(router, StatusText.Name(status)));
        });

        private static IPeerRouter? RouterOf(HttpContext ctx) => ctx.RequestServices.GetService<IPeerRouter>();

        private static int ReadyCode(IPeerRouter? router) =>
            router is { Ready: false } ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;

        /// <summary>Everything the grain reports, in this project's own shape (string sizes, WeaveOrleans' extra fields).</summary>
        public RequestDelegate StatusJson => ctx => Run(ctx, async grain =>
            await Json(ctx, await grain.Status(), ApiJsonContext.Default.IpamStatus));

        /// <summary>
        /// Weave's report: the JSON document, or with <c>?format=TEMPLATE</c> that document run
        /// through a Go template. As in Weave an <c>Accept: application/json</c> header asks for the
        /// JSON whatever the query says; unlike Weave a request with neither gets the JSON too
        /// (Weave refuses it), and a template that fails to run is a 400 with nothing half written.
        /// </summary>
        public RequestDelegate Report => ctx => Run(ctx, async grain =>
        {
            var formats = ctx.Request.Query["format"];
            var json = ctx.Request.Headers.Accept.Any(a => a == "application/json") || formats.Count == 0;
            if (!json && formats.Count > 1)
                throw new BadInput("error: must supply one format parameter");
            // Parsed before the grain is asked: a bad template costs nothing.
            var template = json ? null : ParseTemplate(formats[0] ?? "");
            var report = WeaveReportBuilder.Build(await grain.Status(), RouterOf(ctx));
            var document = JsonSerializer.SerializeToUtf8Bytes(report, ReportJsonContext.Default.WeaveReport);
            if (template is null)
            {
                ctx.Response.StatusCode = StatusCodes.Status200OK;
                ctx.Response.ContentType = JsonContent;
                ctx.Response.ContentLength = document.Length;
                await ctx.Response.Body.WriteAsync(document, ctx.RequestAborted);
                return;
            }
            using var parsed = JsonDocument.Parse(document);
            string output;
            try
            {
                output = template.Execute(parsed.RootElement, WeaveReportBuilder.Stringer);
            }
            catch (TemplateException e)
            {
                throw new BadInput(e.Message);
            }
            await Text(ctx, StatusCodes.Status200OK, output);
        });

        private static GoTemplate ParseTemplate(string text)
        {
            try
            {
                return GoTemplate.Parse(text);
            }
            catch (TemplateException e)
            {
                throw new BadInput(e.Message);
            }
        }

        public RequestDelegate Metrics => ctx => Run(ctx, async grain =>
        {
            var status = await grain.Status();
            using var buffer = new MemoryStream();
            await metrics.WriteAsync(status, buffer, ctx.RequestAborted);
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            ctx.Response.ContentType = PrometheusText;
            ctx.Response.ContentLength = buffer.Length;
            await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ctx.RequestAborted);
        });

        private async Task<Cidr?> DefaultSubnetOf(IHostAllocatorGrain grain)
        {
            if (_defaultSubnet is { } known)
                return known.Value;
            // The status view carries it as text (it is also JSON); a peer that has none yet says "".
            if (!Cidr.TryParse((await grain.Status()).DefaultSubnet, out var subnet, out _))
                return null;
            _defaultSubnet = new(subnet);
            return subnet;
        }

        /// <summary>
        /// Runs one request against the grain. A client that went away gets nothing more; anything
        /// else the grain throws is a server fault (500, one line), never the client's.
        /// </summary>
        private static async Task Run(HttpContext ctx, Func<IHostAllocatorGrain, Task> handle)
        {
            try
            {
                // Endpoint routing lets a trailing slash match the route one segment shorter:
                // DELETE /peer/$NAME with NAME empty would shut IPAM down, DELETE /ip/$ID/$IP with IP
                // empty would release every address of ID. A delete with an empty last segment is never
                // meant (POST /ip/$ID/ for the default subnet stays, as Weave's scripts send it).
                if (HttpMethods.IsDelete(ctx.Request.Method) && ctx.Request.Path.Value is { Length: > 1 } path && path.EndsWith('/'))
                    throw new BadInput($"invalid path {path}: its last segment is empty");
                var grain = ctx.RequestServices.GetRequiredService<IHostAllocatorAccessor>().Grain;
                // Weave's Go client sends its parameters (check-alive, peer, replace) in a form body;
                // read it once here so every handler sees the body as well as the query.
                if (ctx.Request.HasFormContentType)
                    await ReadForm(ctx);
                await handle(grain);
            }
            catch (BadInput bad)
            {
                await Text(ctx, StatusCodes.Status400BadRequest, OneLine.Of(bad.Message));
            }
            catch (InvalidDataException bad) when (!ctx.Response.HasStarted)
            {
                await Text(ctx, StatusCodes.Status400BadRequest, OneLine.Of($"invalid form body: {bad.Message}"));
            }
            catch (NotServed)
            {
                await Text(ctx, StatusCodes.Status404NotFound, "404 page not found");
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client disconnected while the call waited; there is no one to answer.
            }
            catch (Exception e) when (!ctx.Response.HasStarted)
            {
                await Text(ctx, StatusCodes.Status500InternalServerError, OneLine.Of($"internal error: {e.Message}"));
            }
        }

        /// <summary>
        /// A body that claims to be a form and is not one (a cut-off multipart, a bad boundary) is the
        /// client's fault: 400, never 500.
        /// </summary>
        private static async Task ReadForm(HttpContext ctx)
        {
            try
            {
                await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or BadHttpRequestException && !ctx.RequestAborted.IsCancellationRequested)
            {
                throw new BadInput($"invalid form body: {e.Message}");
            }
        }

        private static async Task ReplyAllocation(HttpContext ctx, IpamReply reply)
        {
            if (reply.IsOk)
                await Text(ctx, StatusCodes.Status200OK, reply.Address?.ToString() ?? "");
            else
                await Refused(ctx, reply, "");
        }

        private static async Task ReplyNoContent(HttpContext ctx, IpamReply reply, string errorPrefix)
        {
            if (reply.IsOk)
                ctx.Response.StatusCode = StatusCodes.Status204NoContent;
            else
                await Refused(ctx, reply, errorPrefix);
        }

        /// <summary>Failed: 400 with the reason. Cancelled: 409 <c>cancelled</c> (Weave: 200).</summary>
        private static Task Refused(HttpContext ctx, IpamReply reply, string errorPrefix)
        {
            if (ctx.RequestAborted.IsCancellationRequested)
                return Task.CompletedTask;
            if (reply.Kind == IpamReplyKind.Cancelled)
                return Text(ctx, StatusCodes.Status409Conflict, CancelledBody);
            var error = OneLine.Of(reply.Error ?? "failed");
            if (errorPrefix.Length > 0 && !error.StartsWith(errorPrefix, StringComparison.Ordinal))
                error = errorPrefix + error;
            return Text(ctx, StatusCodes.Status400BadRequest, error);
        }

        /// <summary>A request the API refuses before calling the grain: 400 with <see cref="Exception.Message"/>.</summary>
        private sealed class BadInput(string reason) : Exception(reason);

        /// <summary>A route whose subsystem this application does not have (Weave does not register those: 404).</summary>
        private sealed class NotServed : Exception;

        private static string Ident(HttpContext ctx)
        {
            var ident = Route(ctx, "id");
            return RequestInput.IdentProblem(ident) is { } problem ? throw new BadInput(problem) : ident!;
        }

        private static bool Flag(HttpContext ctx, string name) =>
            RequestInput.TryReadFlag(ctx.Request.Query, FormOf(ctx), name, out var value, out var error) ? value : throw new BadInput(error);

        /// <summary>Every value of a repeated parameter: the form body's, then the query's.</summary>
        private static string[] Values(HttpContext ctx, string name) =>
            [.. (FormOf(ctx)?[name] ?? default).Concat(ctx.Request.Query[name]).OfType<string>()];

        private static IFormCollection? FormOf(HttpContext ctx) => ctx.Request.HasFormContentType ? ctx.Request.Form : null;

        private static string? Route(HttpContext ctx, string name) => ctx.Request.RouteValues[name] as string;

        private static Task Text(HttpContext ctx, int status, string body)
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = PlainText;
            return ctx.Response.WriteAsync(body, Encoding.UTF8);
        }

        private static async Task Json<T>(HttpContext ctx, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        {
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            ctx.Response.ContentType = JsonContent;
            await JsonSerializer.SerializeAsync(ctx.Response.Body, value, type, ctx.RequestAborted);
        }
    }
}
