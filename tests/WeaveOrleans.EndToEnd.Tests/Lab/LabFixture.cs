namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>
/// Lab hosts with their dockerds, shared by every scenario of one collection (which run one after
/// another); the collections, each with a lab of its own, run side by side.
/// </summary>
public abstract class LabFixture(int hosts) : IAsyncLifetime
{
    public Lab? Lab { get; private set; }

    /// <summary>Why there is no lab on this machine; null when there is one.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        Unavailable = Tests.Lab.Unavailable();
        if (Unavailable is null)
            Lab = await Tests.Lab.Start(hosts);
    }

    public async Task DisposeAsync()
    {
        if (Lab is not null)
            await Lab.DisposeAsync();
    }

    /// <summary>A fresh scenario on the lab, or the test skipped with the reason there is no lab.</summary>
    public Scenario Scenario(string name, Xunit.Abstractions.ITestOutputHelper output)
    {
        Skip.If(Lab is null, $"no end-to-end lab on this machine: {Unavailable}");
        return Lab.Scenario(name, output.WriteLine);
    }
}

public sealed class OneHostLab() : LabFixture(1);

public sealed class TwoHostLab() : LabFixture(2);

public sealed class ThreeHostLab() : LabFixture(3);

[CollectionDefinition(Name)]
public sealed class OneHostCollection : ICollectionFixture<OneHostLab>
{
    public const string Name = "one host";
}

[CollectionDefinition(Name)]
public sealed class TwoHostCollection : ICollectionFixture<TwoHostLab>
{
    public const string Name = "two hosts";
}

[CollectionDefinition(Name)]
public sealed class ThreeHostCollection : ICollectionFixture<ThreeHostLab>
{
    public const string Name = "three hosts";
}
