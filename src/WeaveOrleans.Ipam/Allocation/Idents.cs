namespace WeaveOrleans.Ipam.Allocation;

/// <summary>The special idents addresses can be recorded under.</summary>
public static class Idents
{
    /// <summary>"No container": the address is filed under its own IP string, so it can be released by IP.</summary>
    public const string NoContainer = "_";

    /// <summary>The bridge's own addresses (<c>weave expose</c>).</summary>
    public const string Expose = "weave:expose";
}
