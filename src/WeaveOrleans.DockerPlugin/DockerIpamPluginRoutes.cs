using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WeaveOrleans.Grains;

namespace WeaveOrleans.DockerPlugin;

/// <summary>
/// Docker's plugin protocol for a remote IPAM driver: POST /Plugin.Activate and
/// /IpamDriver.*, JSON in and out. Every refusal is <c>{"Err": "..."}</c> with a 4xx (or 503 when
/// the daemon cannot answer now): dockerd reads the message from any answer that is not 200.
/// Empty bodies are fine where dockerd sends them (the handshake), and no input gives a 500.
/// </summary>
public static class DockerIpamPluginRoutes
{
    public const string ContentType = "application/vnd.docker.plugins.v1+json";

    /// <summary>Largest body read; Docker's messages are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapDockerIpamPlugin(this IEndpointRouteBuilder endpoints, DockerPluginOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var driver = new IpamDriver(endpoints.ServiceProvider.GetRequiredService<IHostAllocatorAccessor>(), options ?? new DockerPluginOptions());
        var json = PluginJsonContext.Default;
        var group = endpoints.MapGroup("");
        group.MapPost("/Plugin.Activate", Handler(json.ActivateResponse, _ => Task.FromResult(new ActivateResponse(["IpamDriver"]))));
        // Allocations are persisted, so dockerd need not replay them after it restarts.
        group.MapPost("/IpamDriver.GetCapabilities", Handler(json.CapabilitiesResponse,
            _ => Task.FromResult(new CapabilitiesResponse(RequiresMACAddress: false, RequiresRequestReplay: false))));
        group.MapPost("/IpamDriver.GetDefaultAddressSpaces", Handler(json.AddressSpacesResponse,
            _ => Task.FromResult(new AddressSpacesResponse(IpamDriver.LocalAddressSpace, IpamDriver.GlobalAddressSpace))));
        group.MapPost("/IpamDriver.RequestPool", Handler(json.RequestPoolResponse,
            async ctx => await driver.RequestPool(await Read(ctx, "RequestPool", json.RequestPoolRequest))));
        group.MapPost("/IpamDriver.ReleasePool", Handler(json.EmptyResponse,
            async ctx => await driver.ReleasePool(await Read(ctx, "ReleasePool", json.ReleasePoolRequest))));
        group.MapPost("/IpamDriver.RequestAddress", Handler(json.RequestAddressResponse,
            async ctx => await driver.RequestAddress(await Read(ctx, "RequestAddress", json.RequestAddressRequest), ctx.RequestAborted)));
        group.MapPost("/IpamDriver.ReleaseAddress", Handler(json.EmptyResponse,
            async ctx => await driver.ReleaseAddress(await Read(ctx, "ReleaseAddress", json.ReleaseAddressRequest))));
        return group;
    }

    private static RequestDelegate Handler<T>(JsonTypeInfo<T> type, Func<HttpContext, Task<T>> handle) => ctx => Answer(ctx, type, handle);

    private static async Task Answer<T>(HttpContext ctx, JsonTypeInfo<T> type, Func<HttpContext, Task<T>> handle)
    {
        T result;
        try
        {
            result = await handle(ctx);
        }
        catch (PluginError e)
        {
            await Error(ctx, e.Status, e.Message);
            return;
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return; // dockerd hung up; nobody to answer
        }
        catch (Exception e)
        {
            // The grain unreachable, a timeout inside the silo: the daemon's trouble, said as such.
            await Error(ctx, StatusCodes.Status503ServiceUnavailable, "weave daemon: " + string.Concat(e.GetBaseException().Message.Select(c => char.IsControl(c) ? ' ' : c)));
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(ctx.Response.Body, result, type, ctx.RequestAborted);
    }

    private static Task Error(HttpContext ctx, int status, string message)
    {
        if (ctx.Response.HasStarted)
            return Task.CompletedTask;
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(ctx.Response.Body, new ErrorResponse(message), PluginJsonContext.Default.ErrorResponse, ctx.RequestAborted);
    }

    /// <summary>The parser's reason in the protocol's terms (its own message names .NET types).</summary>
    private static string Describe(JsonException e)
    {
        var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal))
            return $"a value of the wrong type{at} (fields are strings, V6 is a boolean, Options an object of strings)";
        var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
        return $"malformed JSON{at}: {string.Concat(reason.Select(c => char.IsControl(c) ? ' ' : c))}";
    }

    /// <summary>The request body as <typeparamref name="T"/>; a missing, oversized or malformed one is refused with the reason.</summary>
    private static async Task<T> Read<T>(HttpContext ctx, string name, JsonTypeInfo<T> type) where T : class
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
                throw PluginError.Invalid($"{name}: request body larger than {MaxBodyBytes / 1024} KiB");
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0)
            throw PluginError.Invalid($"{name}: empty request body; expected a JSON object");
        try
        {
            return JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type)
                ?? throw PluginError.Invalid($"{name}: the request body is null; expected a JSON object");
        }
        catch (JsonException e)
        {
            throw PluginError.Invalid($"{name}: {Describe(e)}");
        }
    }
}
