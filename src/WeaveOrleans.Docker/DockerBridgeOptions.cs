namespace WeaveOrleans.Docker;

/// <summary>Where Docker is and how patiently to wait for it.</summary>
public sealed class DockerBridgeOptions
{
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>Docker's API endpoint (unix:///path, tcp://host:port). Null: DOCKER_HOST, then <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>First wait before re-subscribing after the event stream failed.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each further wait is the previous one times this.</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>Upper bound of the wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The endpoint actually used: <see cref="Endpoint"/>, else DOCKER_HOST, else the default socket.</summary>
    public string ResolveEndpoint()
    {
        if (!string.IsNullOrWhiteSpace(Endpoint))
            return Endpoint.Trim();
        var fromEnvironment = Environment.GetEnvironmentVariable("DOCKER_HOST");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultEndpoint : fromEnvironment.Trim();
    }

    internal Uri ResolveEndpointUri()
    {
        var text = ResolveEndpoint();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new ArgumentException($"Docker endpoint '{text}' is not an absolute URI (expected e.g. unix:///var/run/docker.sock)");
        return uri;
    }

    /// <summary>The wait that follows <paramref name="previous"/>.</summary>
    public TimeSpan NextBackoff(TimeSpan previous)
    {
        var next = TimeSpan.FromTicks((long)Math.Min(previous.Ticks * BackoffFactor, MaxBackoff.Ticks));
        return next < InitialBackoff ? InitialBackoff : next;
    }
}
