using WeaveOrleans.Storage.Postgres;
using WeaveOrleans.Storage.Tests.Support;

namespace WeaveOrleans.Storage.Tests.Contract;

public sealed class PostgresAllocatorStoreTests : AllocatorStoreContract
{
    protected override IAllocatorStore OpenStore() => new PostgresAllocatorStore(PostgresTestServer.ConnectionString);
}
