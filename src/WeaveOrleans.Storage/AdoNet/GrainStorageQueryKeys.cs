namespace WeaveOrleans.Storage.AdoNet;

/// <summary>The OrleansQuery keys Orleans' AdoNet grain storage looks up when it starts.</summary>
internal static class GrainStorageQueryKeys
{
    public const string Write = "WriteToStorageKey";
    public const string Read = "ReadFromStorageKey";
    public const string Clear = "ClearStorageKey";
}
