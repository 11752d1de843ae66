using System.Net;
using System.Net.Sockets;

namespace WeaveOrleans.Cli.Tests;

/// <summary>Runs the weave command line in-process and captures what it prints.</summary>
public sealed class CliRunner(IDictionary<string, string>? environment = null)
{
    public Dictionary<string, string> Environment { get; } = WithDefaults(environment);

    // As root, weave launch serves Docker's IPAM driver on the machine-wide
    // /run/docker/plugins/weave.sock, which daemons launched side by side cannot share.
    private static Dictionary<string, string> WithDefaults(IDictionary<string, string>? environment)
    {
        var all = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        all.TryAdd("WEAVE_NO_PLUGIN", "1");
        return all;
    }

    public async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new WeaveCli(output, error, name => Environment.TryGetValue(name, out var v) ? v : null).RunAsync(args);
        return (code, output.ToString(), error.ToString());
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback port nobody listens on now and that no other test of this run was given: test
    /// classes launch daemons in parallel, and two of them given one free port collide at bind
    /// (a clean-clone CI run failed so once the suite had more daemons).
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }

    /// <summary>The weaver.dll built with the same configuration as these tests.</summary>
    public static string WeaverDll()
    {
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeaveOrleans.sln")))
                return Path.Combine(dir.FullName, "src", "WeaveOrleans.Host", "bin", config, "net10.0", "weaver.dll");
        throw new InvalidOperationException("cannot find the source tree");
    }
}
