using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using WeaveOrleans.Ipam.Peers;

namespace WeaveOrleans.Driver.Tests;

/// <summary>One driver over a <see cref="ScriptedStore"/>, recording what it sends and reports.</summary>
internal sealed class DriverFixture
{
    public static readonly PeerName Self = new(0x0100);
    public static readonly PeerName Other = new(0x0200);

    public DriverFixture(InitMode? init = null)
    {
        Config = new AllocatorConfig(Cidr.ParseSubnet("10.9.0.0/24"), init ?? new InitMode.BySeed([Self]));
        Driver = new AllocatorDriver(
            new Allocator(Config, Self, "self", new Random(7)), Store, Self.ToString(),
            new DriverOutputs((to, payload, kind) => Sent.Add((to, kind)), Failures.Add));
    }

    public AllocatorConfig Config { get; }

    public ScriptedStore Store { get; } = new();

    public AllocatorDriver Driver { get; }

    public List<(PeerName To, string Kind)> Sent { get; } = [];

    public List<Exception> Failures { get; } = [];

    /// <summary>Starts an allocation and returns the driver's own answer task (completed in the call that releases it).</summary>
    public Task<Outcome> Begin(string ident) =>
        Driver.Begin(id => Driver.Engine.Allocate(id, ident, null, true, TimeSpan.Zero)).Answer;

    public Task<Outcome> Allocate(string ident, CancellationToken cancellation = default) =>
        Driver.Request(id => Driver.Engine.Allocate(id, ident, null, true, TimeSpan.Zero), cancellation);
}
