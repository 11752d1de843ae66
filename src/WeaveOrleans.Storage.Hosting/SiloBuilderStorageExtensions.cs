using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace WeaveOrleans.Storage.Hosting;

public static class SiloBuilderStorageExtensions
{
    /// <summary>
    /// Registers the "weave" AdoNet grain storage (schema created at silo start) and the
    /// <see cref="IAllocatorStore"/> the host allocator persists through.
    /// </summary>
    public static ISiloBuilder AddWeaveStorage(this ISiloBuilder builder, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var target = StorageTarget.From(options);
        builder.AddAdoNetGrainStorage(StorageOptions.GrainStorageName, adoNet =>
        {
            adoNet.Invariant = target.Invariant;
            adoNet.ConnectionString = target.GrainConnectionString;
        });
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new GrainSchemaBootstrap(target));
        builder.Services.AddSingleton(_ => target.CreateAllocatorStore());
        return builder;
    }
}
