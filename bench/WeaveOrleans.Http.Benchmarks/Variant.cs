namespace WeaveOrleans.Http.Benchmarks;

/// <summary>
/// One build of the daemon under comparison. The bench alternates variants round by round, so on a
/// loaded machine each one's figures sit beside the others' from the same minutes.
/// </summary>
public sealed record Variant(string Label, string WeaverDll)
{
    /// <summary>
    /// <c>--weaver [LABEL=]PATH</c>, repeatable (PATH is weaver.dll or the folder holding it); the first
    /// is the baseline the ratios are against. Without any, the weaver.dll built beside the bench.
    /// </summary>
    public static IReadOnlyList<Variant> FromArgs(string[] args, string builtDll)
    {
        var variants = new List<Variant>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--weaver")
                continue;
            var value = args[i + 1];
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            var label = eq > 0 ? value[..eq] : $"w{variants.Count + 1}";
            var path = eq > 0 ? value[(eq + 1)..] : value;
            if (Directory.Exists(path))
                path = Path.Combine(path, "weaver.dll");
            if (!File.Exists(path))
                throw new FileNotFoundException($"--weaver {value}: no weaver.dll there", path);
            variants.Add(new Variant(label, Path.GetFullPath(path)));
        }
        return variants.Count > 0 ? variants : [new Variant("built", builtDll)];
    }
}
