namespace WeaveOrleans.Ipam.Pools;

/// <summary>
/// Which address pool a ring, a message or a store belongs to. There is one pool today,
/// <see cref="Default"/>; the identity is in the grain key, the wire header and the store key already,
/// so that several pools (and IPv6 rings) can be added without migrating anything.
/// </summary>
public readonly record struct PoolId
{
    public const int MaxLength = 32;

    public static readonly PoolId Default = new("default");

    private readonly string? _name;

    private PoolId(string name) => _name = name;

    /// <summary>Lower-case letters, digits and '-', starting with a letter; <c>default(PoolId)</c> is <see cref="Default"/>.</summary>
    public string Name => _name ?? "default";

    public bool IsDefault => Name == Default.Name;

    public static bool TryParse(string? text, out PoolId pool, out string error)
    {
        pool = Default;
        error = "";
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            error = $"invalid pool name \"{text}\": expected 1 to {MaxLength} characters";
            return false;
        }
        if (!char.IsAsciiLetterLower(text[0]) || !text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            error = $"invalid pool name \"{text}\": expected lower-case letters, digits and '-', starting with a letter";
            return false;
        }
        pool = new PoolId(text);
        return true;
    }

    public static PoolId Parse(string text) =>
        TryParse(text, out var pool, out var error) ? pool : throw new Addresses.IpamFormatException(error);

    public bool Equals(PoolId other) => Name == other.Name;

    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Name;
}
