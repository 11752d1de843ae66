namespace WeaveOrleans.HttpApi;

/// <summary>Settings of the HTTP API that the grain does not know; configure with <c>services.Configure&lt;WeaveHttpApiOptions&gt;</c>.</summary>
public sealed class WeaveHttpApiOptions
{
    /// <summary>What <c>GET /ipinfo/tracker</c> answers: the route tracker in use ("awsvpc"), or "none".</summary>
    public string Tracker { get; set; } = "none";
}
