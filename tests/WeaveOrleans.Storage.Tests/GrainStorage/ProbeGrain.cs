using WeaveOrleans.Storage.Hosting;

namespace WeaveOrleans.Storage.Tests.GrainStorage;

public interface IProbeGrain : IGrainWithGuidKey
{
    Task Write(string value);

    Task<string?> Read();

    Task Clear();
}

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }
}

/// <summary>Smallest grain that exercises the "weave" AdoNet storage through IPersistentState.</summary>
public sealed class ProbeGrain(
    [PersistentState("probe", StorageOptions.GrainStorageName)] IPersistentState<ProbeState> state) : Grain, IProbeGrain
{
    public Task Write(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<string?> Read() => Task.FromResult(state.State.Value);

    public Task Clear() => state.ClearStateAsync();
}
