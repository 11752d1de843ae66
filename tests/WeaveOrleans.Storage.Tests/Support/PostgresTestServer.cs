namespace WeaveOrleans.Storage.Tests.Support;

/// <summary>
/// The PostgreSQL server tests may use, named by WEAVE_TEST_POSTGRES (see scripts/postgres-test-server).
/// Without it the PostgreSQL tests report themselves as skipped rather than passing.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "WEAVE_TEST_POSTGRES";

    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Skip.If(string.IsNullOrWhiteSpace(value), $"{Variable} is not set (start a server with scripts/postgres-test-server)");
            return value!;
        }
    }
}
