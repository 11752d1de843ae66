using Microsoft.AspNetCore.Http;

namespace WeaveOrleans.DockerPlugin;

/// <summary>A request the driver refuses: answered with <paramref name="status"/> and <c>{"Err": message}</c>.</summary>
public sealed class PluginError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The request itself is wrong (malformed, outside the pool, unknown pool).</summary>
    public static PluginError Invalid(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>Well formed, but refused by IPAM as things are (the address is taken, no space).</summary>
    public static PluginError Refused(string message) => new(StatusCodes.Status409Conflict, message);

    /// <summary>The daemon cannot answer now (no ring yet within the wait, the grain unreachable).</summary>
    public static PluginError Unavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, message);
}
