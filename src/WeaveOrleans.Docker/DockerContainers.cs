using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using WeaveOrleans.Contract.Api;

namespace WeaveOrleans.Docker;

/// <summary>Container look-ups and <c>weave run</c>'s create-and-start, on the same endpoint as the bridge.</summary>
public sealed class DockerContainers : IDisposable
{
    private readonly DockerClientConfiguration _configuration;
    private readonly DockerClient _client;

    public DockerContainers(DockerBridgeOptions options)
    {
        Endpoint = options.ResolveEndpoint();
        _configuration = new DockerClientConfiguration(options.ResolveEndpointUri());
        _client = _configuration.CreateClient();
    }

    /// <summary>The endpoint this talks to (unix:///path, tcp://host:port).</summary>
    public string Endpoint { get; }

    /// <summary>The container named or identified (full or unique prefix) by <paramref name="nameOrId"/>; null when there is none.</summary>
    public async Task<ContainerInfo?> Resolve(string nameOrId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        try
        {
            var inspect = await _client.Containers.InspectContainerAsync(nameOrId, cancellation);
            return ToInfo(inspect);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>IDs of the running containers.</summary>
    public async Task<string[]> RunningIds(CancellationToken cancellation = default)
    {
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = false }, cancellation);
        return list.Select(c => c.ID).ToArray();
    }

    /// <summary>The running containers with their PIDs; one that stops between the listing and its inspection is left out.</summary>
    public async Task<IReadOnlyList<ContainerInfo>> Running(CancellationToken cancellation = default)
    {
        var running = new List<ContainerInfo>();
        foreach (var id in await RunningIds(cancellation))
            if (await Resolve(id, cancellation) is { Running: true, Pid: > 0 } info)
                running.Add(info);
        return running;
    }

    /// <summary>
    /// <c>weave run</c>: creates a container from <paramref name="image"/> running <paramref name="command"/>
    /// (the image's default when empty) with no Docker networking (network mode "none"; Weave attaches it),
    /// starts it, and returns it with its PID.
    /// </summary>
    public async Task<ContainerInfo> Run(string image, IReadOnlyList<string> command, string? name = null,
        IReadOnlyDictionary<string, string>? labels = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var parameters = new CreateContainerParameters
        {
            Image = image,
            Name = name,
            Cmd = command.Count == 0 ? null : command.ToList(),
            Labels = labels?.ToDictionary(kv => kv.Key, kv => kv.Value),
            HostConfig = new HostConfig { NetworkMode = "none" },
        };
        var created = await _client.Containers.CreateContainerAsync(parameters, cancellation);
        try
        {
            await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellation);
        }
        catch
        {
            await RemoveQuietly(created.ID);
            throw;
        }
        var inspect = await _client.Containers.InspectContainerAsync(created.ID, cancellation);
        return ToInfo(inspect);
    }

    /// <summary><c>weave start</c>: starts a stopped container (nothing if it runs) and returns it with its PID.</summary>
    public async Task<ContainerInfo> Start(string nameOrId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        await _client.Containers.StartContainerAsync(nameOrId, new ContainerStartParameters(), cancellation);
        return ToInfo(await _client.Containers.InspectContainerAsync(nameOrId, cancellation));
    }

    /// <summary>Removes a container, running or not; false when it did not exist.</summary>
    public async Task<bool> Remove(string nameOrId, CancellationToken cancellation = default)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(nameOrId, new ContainerRemoveParameters { Force = true }, cancellation);
            return true;
        }
        catch (DockerContainerNotFoundException)
        {
            return false;
        }
    }

    private async Task RemoveQuietly(string id)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (DockerApiException)
        {
        }
    }

    private static ContainerInfo ToInfo(ContainerInspectResponse inspect) =>
        new(inspect.ID, (inspect.Name ?? "").TrimStart('/'), inspect.State is { Running: true } s ? checked((int)s.Pid) : 0, inspect.State?.Running == true);

    public void Dispose()
    {
        _client.Dispose();
        _configuration.Dispose();
    }
}
