using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using WeaveOrleans.Docker;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Host;

/// <summary>
/// The container routes of <see cref="ContainerApi"/>: the daemon holds the Docker client (Docker.DotNet), so the
/// CLI stays a small HTTP client that starts in milliseconds. Each failure is one line: 409 when this daemon
/// does not follow Docker (or follows another endpoint than the one asked for), 404 for a container or image
/// that does not exist, 502 when Docker cannot be reached or refuses.
/// </summary>
public static class ContainerRoutes
{
    public static RouteGroupBuilder MapContainerRoutes(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/" + ContainerApi.Containers);
        group.MapGet("", ctx => WithDocker(ctx, "", async (docker, ct) =>
            await Reply(ctx, [.. await docker.Running(ct)], ContainerJsonContext.Default.ContainerInfoArray)));
        group.MapGet("/{container}", ctx => WithDocker(ctx, Route(ctx), async (docker, ct) =>
        {
            var subject = Route(ctx);
            if (await docker.Resolve(subject, ct) is { } info)
                await Reply(ctx, info, ContainerJsonContext.Default.ContainerInfo);
            else
                await Fail(ctx, StatusCodes.Status404NotFound, $"no such container: {subject}");
        }));
        group.MapPost("/{container}/start", ctx => WithDocker(ctx, Route(ctx), async (docker, ct) =>
            await Reply(ctx, await docker.Start(Route(ctx), ct), ContainerJsonContext.Default.ContainerInfo)));
        group.MapPost("", async ctx =>
        {
            ContainerRunRequest? run;
            try
            {
                run = await JsonSerializer.DeserializeAsync(ctx.Request.Body, ContainerJsonContext.Default.ContainerRunRequest, ctx.RequestAborted);
            }
            catch (JsonException e)
            {
                await Fail(ctx, StatusCodes.Status400BadRequest, $"invalid run request: {e.Message}");
                return;
            }
            if (run is null || string.IsNullOrWhiteSpace(run.Image) || run.Command is null)
            {
                await Fail(ctx, StatusCodes.Status400BadRequest, "invalid run request: an image and a command list are needed");
                return;
            }
            await WithDocker(ctx, run.Image, async (docker, ct) =>
                await Reply(ctx, await docker.Run(run.Image, run.Command, run.Name, cancellation: ct), ContainerJsonContext.Default.ContainerInfo,
                    StatusCodes.Status201Created));
        });
        return group;
    }

    private static string Route(HttpContext ctx) => ctx.Request.RouteValues["container"] as string ?? "";

    private static async Task WithDocker(HttpContext ctx, string subject, Func<DockerContainers, CancellationToken, Task> call)
    {
        var docker = ctx.RequestServices.GetService<DockerContainers>();
        if (docker is null)
        {
            await Fail(ctx, StatusCodes.Status409Conflict, "Docker is turned off (--docker-endpoint none)");
            return;
        }
        if (ctx.Request.Query[ContainerApi.EndpointParameter] is { Count: > 0 } asked
            && !string.Equals(new DockerBridgeOptions { Endpoint = asked[0] }.ResolveEndpoint(), docker.Endpoint, StringComparison.Ordinal))
        {
            await Fail(ctx, StatusCodes.Status409Conflict, $"the weave daemon follows Docker at {docker.Endpoint}, not {asked[0]} (--docker-endpoint)");
            return;
        }
        try
        {
            await call(docker, ctx.RequestAborted);
        }
        catch (DockerContainerNotFoundException)
        {
            await Fail(ctx, StatusCodes.Status404NotFound, $"no such container: {subject}");
        }
        catch (DockerImageNotFoundException)
        {
            await Fail(ctx, StatusCodes.Status404NotFound, $"no such image: {subject}");
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await Fail(ctx, StatusCodes.Status404NotFound, $"not found: {subject}: {FirstLine(e.ResponseBody)}");
        }
        catch (DockerApiException e)
        {
            await Fail(ctx, StatusCodes.Status502BadGateway, $"Docker refused: {FirstLine(e.ResponseBody)}");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or TimeoutException
            || (e is OperationCanceledException && !ctx.RequestAborted.IsCancellationRequested))
        {
            await Fail(ctx, StatusCodes.Status502BadGateway, $"Docker is not reachable at {docker.Endpoint}: {e.GetBaseException().Message}");
        }
    }

    private static async Task Reply<T>(HttpContext ctx, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, int code = StatusCodes.Status200OK)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(ctx.Response.Body, value, type, ctx.RequestAborted);
    }

    private static async Task Fail(HttpContext ctx, int code, string message)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(message.ReplaceLineEndings(" ") + "\n", ctx.RequestAborted);
    }

    private static string FirstLine(string? text) =>
        (text ?? "").Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
}
