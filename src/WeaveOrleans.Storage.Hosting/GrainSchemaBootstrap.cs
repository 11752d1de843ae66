using Orleans;
using Orleans.Runtime;

namespace WeaveOrleans.Storage.Hosting;

/// <summary>
/// Creates the grain storage schema during silo start, at a stage before the AdoNet provider reads its
/// queries, so a fresh data directory or database works on first start and a failure stops the silo.
/// </summary>
internal sealed class GrainSchemaBootstrap(StorageTarget target) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(GrainSchemaBootstrap), ServiceLifecycleStage.RuntimeInitialize, target.EnsureGrainSchemaAsync);
}
