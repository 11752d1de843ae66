using Microsoft.Data.Sqlite;
using WeaveOrleans.Storage.AdoNet;
using WeaveOrleans.Storage.Postgres;
using WeaveOrleans.Storage.Sqlite;

namespace WeaveOrleans.Storage.Hosting;

/// <summary>
/// The validated reading of <see cref="StorageOptions"/>: what Orleans' AdoNet storage is given, how its
/// schema is made, and which allocator store serves the engine.
/// </summary>
internal sealed class StorageTarget
{
    // Orleans maps this invariant to Microsoft.Data.Sqlite; the driver's own name is rejected at silo start.
    public const string SqliteInvariant = "System.Data.SQLite";
    public const string PostgresInvariant = "Npgsql";

    private readonly StorageOptions options;

    private StorageTarget(StorageOptions options, string invariant, string grainConnectionString)
    {
        this.options = options;
        Invariant = invariant;
        GrainConnectionString = grainConnectionString;
    }

    public string Invariant { get; }

    public string GrainConnectionString { get; }

    public static StorageTarget From(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Provider.Trim().ToLowerInvariant())
        {
            case StorageOptions.Sqlite:
                ArgumentException.ThrowIfNullOrEmpty(options.DataDirectory, nameof(options.DataDirectory));
                var grainFile = Path.Combine(options.DataDirectory, Contract.DataDirectoryLayout.GrainStorageFileName);
                return new StorageTarget(options, SqliteInvariant, new SqliteConnectionStringBuilder { DataSource = grainFile }.ToString());
            case StorageOptions.Postgres:
                if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
                {
                    throw new ArgumentException("The postgres provider needs PostgresConnectionString.", nameof(options));
                }
                return new StorageTarget(options, PostgresInvariant, options.PostgresConnectionString);
            default:
                throw new ArgumentException($"Unknown storage provider '{options.Provider}' (expected 'sqlite' or 'postgres').", nameof(options));
        }
    }

    public Task EnsureGrainSchemaAsync(CancellationToken cancellationToken) =>
        Invariant == SqliteInvariant
            ? AdoNetSchema.EnsureSqliteAsync(GrainConnectionString, cancellationToken)
            : AdoNetSchema.EnsurePostgresAsync(GrainConnectionString, cancellationToken);

    public IAllocatorStore CreateAllocatorStore()
    {
        IAllocatorStore raw = Invariant == SqliteInvariant
            ? new SqliteAllocatorStore(Path.Combine(options.DataDirectory, Contract.DataDirectoryLayout.AllocatorStoreDirectoryName))
            : new PostgresAllocatorStore(GrainConnectionString);
        return options.GroupCommit ? new GroupCommitStore(raw) : raw;
    }
}
