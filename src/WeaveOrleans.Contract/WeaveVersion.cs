using System.Reflection;

namespace WeaveOrleans.Contract;

/// <summary>The version every WeaveOrleans assembly is built with (Directory.Build.props), for <c>weave version</c> and <c>/status</c>.</summary>
public static class WeaveVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var text = typeof(WeaveVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        // The build appends "+<commit>" when it knows it; the version users compare is the part before.
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? text : text[..plus];
    }
}
