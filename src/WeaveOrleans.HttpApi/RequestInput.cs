using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Contract.Text;

namespace WeaveOrleans.HttpApi;

/// <summary>
/// Checks the parts of a request before anything reaches the grain. Every check answers with a
/// one-line reason so that a bad request becomes a 400, never an exception (and never a 500).
/// </summary>
internal static class RequestInput
{
    /// <summary>Longest identifier accepted; Docker IDs are 64 characters, Kubernetes keys a little more.</summary>
    public const int MaxIdentLength = 256;

    /// <summary>Why <paramref name="ident"/> cannot name an owner of addresses, or null when it can.</summary>
    public static string? IdentProblem(string? ident)
    {
        if (string.IsNullOrEmpty(ident))
            return "invalid id: empty";
        if (ident.Length > MaxIdentLength)
            return $"invalid id: longer than {MaxIdentLength} characters";
        foreach (var c in ident)
        {
            // Whitespace would break the "ident cidr" pairs of the status; control characters break logs.
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return $"invalid id \"{Printable(ident)}\": it contains whitespace or control characters";
        }
        return null;
    }

    /// <summary>A subnet to allocate in: parsable, no host bits, at least four addresses.</summary>
    public static bool TryParseSubnet(string? ip, string? prefixLength, out Cidr subnet, out string error)
    {
        if (!TryParseCidr(ip, prefixLength, out subnet, out error))
            return false;
        var problem = subnet.SubnetProblem();
        if (problem is null)
            return true;
        error = problem;
        return false;
    }

    /// <summary>"ip/prefixlen" as written in two path segments; host bits are allowed.</summary>
    public static bool TryParseCidr(string? ip, string? prefixLength, out Cidr cidr, out string error)
    {
        var text = $"{ip}/{prefixLength}";
        if (Cidr.TryParse(text, out cidr, out error))
            return true;
        error = OneLine.Of(error);
        return false;
    }

    public static bool TryParseAddress(string? ip, out Address address, out string error)
    {
        if (Address.TryParse(ip, out address, out error))
            return true;
        error = OneLine.Of(error);
        return false;
    }

    /// <summary>
    /// A boolean flag from the query or a form body (the body wins when both have it, as in Go's
    /// <c>FormValue</c>). Absent or empty means false; "true"/"false" in any case are accepted;
    /// anything else is refused rather than silently read as false.
    /// </summary>
    public static bool TryReadFlag(Microsoft.AspNetCore.Http.IQueryCollection query, Microsoft.AspNetCore.Http.IFormCollection? form, string name, out bool value, out string error)
    {
        value = false;
        error = "";
        if (!(form is not null && form.TryGetValue(name, out var values)) && !query.TryGetValue(name, out values))
            return true;
        var text = values.Count == 0 ? null : values[values.Count - 1];
        if (string.IsNullOrEmpty(text))
            return true;
        if (bool.TryParse(text, out value))
            return true;
        error = $"invalid value \"{Printable(text)}\" for {name}: expected true or false";
        return false;
    }

    private static string Printable(string text) =>
        OneLine.Of(text.Length > 64 ? text[..64] + "..." : text);
}
