namespace WeaveOrleans.Cni;

/// <summary>The CNI_* variables of one invocation, checked as the spec says each command needs them.</summary>
internal sealed record PluginEnvironment(string Command, string? ContainerId, string? IfName, string? NetNs)
{
    public static PluginEnvironment Read(Func<string, string?> get)
    {
        var command = get("CNI_COMMAND");
        if (string.IsNullOrEmpty(command))
            throw new CniException(CniErrorCode.InvalidEnvironment, "CNI_COMMAND is not set (expected ADD, DEL, CHECK, GC, STATUS or VERSION)");
        return new PluginEnvironment(command, Empty(get("CNI_CONTAINERID")), Empty(get("CNI_IFNAME")), Empty(get("CNI_NETNS")));
    }

    /// <summary>CNI_CONTAINERID and CNI_IFNAME, which ADD, DEL and CHECK need to name the attachment.</summary>
    public (string ContainerId, string IfName) Attachment()
    {
        var missing = new List<string>();
        if (ContainerId is null)
            missing.Add("CNI_CONTAINERID");
        if (IfName is null)
            missing.Add("CNI_IFNAME");
        if (missing.Count > 0)
            throw new CniException(CniErrorCode.InvalidEnvironment, $"{string.Join(" and ", missing)} not set ({Command} needs them)");
        CheckContainerId(ContainerId!);
        CheckIfName(IfName!);
        return (ContainerId!, IfName!);
    }

    /// <summary>The spec: an alphanumeric character, then alphanumerics, '_', '.' or '-'.</summary>
    public static void CheckContainerId(string id)
    {
        if (!char.IsAsciiLetterOrDigit(id[0]) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            throw new CniException(CniErrorCode.InvalidEnvironment,
                $"invalid CNI_CONTAINERID \"{Printable(id)}\": it must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
    }

    /// <summary>Linux's rules for an interface name: at most 15 bytes, no '/', ':' or whitespace, not "." or "..".</summary>
    public static void CheckIfName(string name)
    {
        if (name.Length > 15 || name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new CniException(CniErrorCode.InvalidEnvironment,
                $"invalid CNI_IFNAME \"{Printable(name)}\": at most 15 characters, without '/', ':' or whitespace");
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static string Printable(string text)
    {
        var cut = text.Length > 64 ? text[..64] + "..." : text;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }
}
