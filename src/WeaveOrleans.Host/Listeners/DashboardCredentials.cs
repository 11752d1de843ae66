using System.Security.Cryptography;
using System.Text;

namespace WeaveOrleans.Host.Listeners;

/// <summary>HTTP basic credentials that guard every route of the dashboard listener when it has a password.</summary>
public sealed class DashboardCredentials(string user, string password)
{
    public const string DefaultUser = "admin";

    // Compared as hashes so the comparison takes the same time whatever the input's length.
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public string User { get; } = user;

    /// <summary>Whether an <c>Authorization</c> header value carries these credentials.</summary>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(authorization[scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(decoded), _expected);
    }
}
