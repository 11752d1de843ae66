namespace WeaveOrleans.EndToEnd.Tests;

/// <summary>Three lab hosts with their dockerds, shared by every scenario of the collection (they run one after another).</summary>
public sealed class LabFixture : IAsyncLifetime
{
    public const int HostCount = 3;

    public Lab? Lab { get; private set; }

    /// <summary>Why there is no lab on this machine; null when there is one.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        Unavailable = Tests.Lab.Unavailable();
        if (Unavailable is null)
            Lab = await Tests.Lab.Start(HostCount);
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

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}
