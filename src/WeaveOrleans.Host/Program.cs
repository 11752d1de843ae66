using System.Net;
using Orleans.Dashboard;
using WeaveOrleans.Docker;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Grains;
using WeaveOrleans.Host;
using WeaveOrleans.Host.Gossip;
using WeaveOrleans.HttpApi;

var cli = new WeaverCommandLine();
var parsed = cli.Root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"weaver: {parsed.Errors[0].Message}");
    return 2;
}
if (parsed.Action is not null)
    return await parsed.InvokeAsync(); // --help, --version

LaunchSettings settings;
try
{
    settings = LaunchSettings.Resolve(parsed, cli, Environment.GetEnvironmentVariables(), Directory.GetCurrentDirectory());
}
catch (LaunchException e)
{
    Console.Error.WriteLine($"weaver: {e.Message}");
    return 2;
}

try
{
    await Daemon.RunAsync(settings);
    return 0;
}
catch (Exception e)
{
    // Start-up failures (a port in use, unreachable database...) are one line too, not a stack trace.
    Console.Error.WriteLine($"weaver: cannot start: {e.GetBaseException().Message}");
    return 1;
}

namespace WeaveOrleans.Host
{
    /// <summary>The per-host daemon: one single-silo Orleans cluster on loopback plus the peer transport and HTTP listeners.</summary>
    public static class Daemon
    {
        public const string ServiceId = "weave-orleans";

        public static async Task RunAsync(LaunchSettings settings, CancellationToken cancellation = default)
        {
            var options = settings.Host;
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(c =>
            {
                c.SingleLine = true;
                c.TimestampFormat = "HH:mm:ss.fff ";
            });
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Polly", LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(settings.HttpEndPoint);
                if (!settings.StatusEndPoint.Equals(settings.HttpEndPoint))
                    kestrel.Listen(settings.StatusEndPoint);
            });

            builder.UseOrleans(silo =>
            {
                // One silo per host, on loopback only, in a cluster of its own: the ring never crosses
                // hosts through Orleans.
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, ServiceId, settings.ClusterId);
                silo.AddDashboard();
                silo.AddWeaveHost(options, sp => new TcpPeerTransport(
                    options.PeerName,
                    new TcpPeerTransportOptions
                    {
                        ListenEndPoint = new IPEndPoint(IPAddress.Parse(options.ListenHost), options.ListenPort),
                        Nickname = options.Nickname,
                        Password = options.Password,
                    },
                    logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger<TcpPeerTransport>()));
            });

            builder.Services.AddSingleton<IGossipMetricsSource, GossipMetricsSource>();
            // Docker events release the addresses of containers that die; without Docker the daemon
            // still runs and its status says so.
            if (settings.Docker)
                builder.Services.AddWeaveDocker(o => o.Endpoint = settings.DockerEndpoint);
            // Before anything is allocated, the addresses already in use on the bridge and its containers are claimed.
            builder.Services.AddWeaveAddressReclaim(settings.Bridge);

            var app = builder.Build();
            var statusPort = settings.StatusEndPoint.Port;
            var statusAddress = settings.StatusEndPoint.Address;

            // The dashboard has no authentication of its own: serve it only on the status listener.
            app.Use(async (context, next) =>
            {
                var onStatus = context.Connection.LocalPort == statusPort
                    && (statusAddress.Equals(IPAddress.Any) || statusAddress.Equals(IPAddress.IPv6Any) || Equals(context.Connection.LocalIpAddress, statusAddress));
                if (!onStatus && context.Request.Path.StartsWithSegments("/dashboard"))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(context);
            });
            app.MapOrleansDashboard("/dashboard");

            // A plain liveness line for scripts and smoke tests.
            app.MapGet("/_health", async (IHostAllocatorAccessor allocator) =>
            {
                var status = await allocator.Grain.Status();
                return Results.Text($"{status.PeerName}({status.Nickname}) {status.Line}\n");
            });

            app.MapWeaveHttpApi();

            app.Logger.LogInformation(
                "weaver {Peer}({Nickname}): peers on {ListenHost}:{ListenPort}, HTTP API on {Http}, status and dashboard on {Status}, cluster {ClusterId} on loopback (silo {SiloPort}, gateway {GatewayPort}), data in {DataDir}",
                options.PeerName, options.Nickname, options.ListenHost, options.ListenPort, settings.HttpEndPoint, settings.StatusEndPoint,
                settings.ClusterId, settings.SiloPort, settings.GatewayPort, options.DataDirectory);
            await app.StartAsync(cancellation);
            await app.WaitForShutdownAsync(cancellation);
        }
    }
}
