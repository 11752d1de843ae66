namespace WeaveOrleans.Http.Benchmarks;

public static class Stats
{
    /// <summary>The nearest-rank percentile of <paramref name="values"/> (any order).</summary>
    public static double Pct(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values) => Pct(values, 0.5);
}
