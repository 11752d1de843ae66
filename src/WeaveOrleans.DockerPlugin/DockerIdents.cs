using System.Security.Cryptography;

namespace WeaveOrleans.DockerPlugin;

/// <summary>
/// Docker names no container when it asks for an address, so each address it holds is filed under
/// an ident of its own, made here. The ident lives in IPAM's table like any other (persisted with
/// the allocation, shown by <c>GET /ip</c>); releasing maps the address back to it through that
/// table, so there is no second record to keep in step.
/// </summary>
public static class DockerIdents
{
    /// <summary>What every ident made for Docker starts with; nothing else in IPAM uses it.</summary>
    public const string Prefix = "docker-ipam:";

    public static string NewEndpoint() => Prefix + "endpoint:" + Random();

    /// <summary>A network's gateway (the bridge's own address), allocated at <c>docker network create</c>.</summary>
    public static string NewGateway() => Prefix + "gateway:" + Random();

    public static bool IsDocker(string ident) => ident.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Random() => RandomNumberGenerator.GetHexString(16, lowercase: true);
}
