using System.Text.Json.Serialization;

namespace WeaveOrleans.Contract.Api;

/// <summary>
/// The daemon's container routes (<c>/docker/...</c>, on the HTTP API only): the CLI asks the daemon, which
/// holds the Docker client, to look up, start and run containers, so that the CLI needs no Docker client of
/// its own. Paths and bodies are shared here by both ends.
/// </summary>
public static class ContainerApi
{
    /// <summary><c>GET</c>: the running containers (<see cref="ContainerInfo"/>[]); <c>POST</c> a <see cref="ContainerRunRequest"/>: weave run.</summary>
    public const string Containers = "docker/containers";

    /// <summary><c>GET docker/containers/NAME-OR-ID</c>: one container; <c>POST .../start</c>: start it, then look it up.</summary>
    public static string Container(string nameOrId) => $"{Containers}/{Uri.EscapeDataString(nameOrId)}";

    /// <summary>
    /// Optional query parameter naming the Docker endpoint the client means: the daemon refuses (409) when it
    /// follows another one, rather than answering about containers of a Docker the client did not ask about.
    /// </summary>
    public const string EndpointParameter = "endpoint";
}

/// <summary>A container as the CLI needs it: full ID, name and the PID of its first process (0 when not running).</summary>
public sealed record ContainerInfo(string Id, string Name, int Pid, bool Running);

/// <summary><c>weave run</c>: create IMAGE running COMMAND (the image's default when empty) with no Docker networking, then start it.</summary>
public sealed record ContainerRunRequest(string Image, IReadOnlyList<string> Command, string? Name);

/// <summary>Source-generated JSON for the container routes (the CLI is compiled ahead of time: no reflection).</summary>
[JsonSerializable(typeof(ContainerInfo))]
[JsonSerializable(typeof(ContainerInfo[]))]
[JsonSerializable(typeof(ContainerRunRequest))]
public sealed partial class ContainerJsonContext : JsonSerializerContext;
