using System.Net;
using Orleans.Dashboard;
using WeaveOrleans.Docker;
using WeaveOrleans.DockerPlugin;
using WeaveOrleans.Gossip.Tcp;
using WeaveOrleans.Grains;
using WeaveOrleans.Host;
using WeaveOrleans.Host.Gossip;
using WeaveOrleans.Host.Listeners;
using WeaveOrleans.Host.Warmup;
using WeaveOrleans.HttpApi;
using WeaveOrleans.Contract;

// Weave's router prints "weave <version>"; the parser's own --version would add the commit hash.
if (args is ["--version"])
{
    Console.WriteLine($"weave {WeaveVersion.Current}");
    return 0;
}

var cli = new WeaverCommandLine();
var parsed = cli.Root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"weaver: {parsed.Errors[0].Message}");
    return 2;
}
if (parsed.Action is not null)
    return await parsed.InvokeAsync(); // --help

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
        public static async Task RunAsync(LaunchSettings settings, CancellationToken cancellation = default)
        {
            var options = settings.Host;
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                // The daemon's settings come from its command line and config file, never the host's
                // appsettings; and the content root is not the working directory, which is often the data
                // directory: a config-reload watcher there woke on every SQLite write (issue 12).
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(c =>
            {
                c.SingleLine = true;
                c.TimestampFormat = "HH:mm:ss.fff ";
            });
            builder.Logging.SetMinimumLevel(settings.LogLevel);
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
            builder.Logging.AddFilter("Polly", LogLevel.Warning);
            var plan = settings.Listeners;
            foreach (var socket in plan.Listeners.Select(l => l.Address.SocketPath).OfType<string>())
                UnixSocketFile.Prepare(socket);
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (var listener in plan.Listeners)
                {
                    // Each connection carries the listener it came in on, so the gate decides by the
                    // listener (also for unix sockets, which have no port), never by what the client says.
                    void Tag(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions o) => o.Use(next => connection =>
                    {
                        connection.Items[ListenerGate.ItemKey] = listener;
                        return next(connection);
                    });
                    if (listener.Address.SocketPath is { } path)
                        kestrel.ListenUnixSocket(path, Tag);
                    else
                        kestrel.Listen(listener.Address.EndPoint!, Tag);
                }
            });

            builder.UseOrleans(silo =>
            {
                // One silo per host, on loopback only, in a cluster of its own: the ring never crosses
                // hosts through Orleans.
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, Contract.OrleansCluster.ServiceId, settings.ClusterId);
                silo.AddDashboard();
                silo.AddWeaveHost(options, sp => new TcpPeerTransport(
                    options.PeerName,
                    new TcpPeerTransportOptions
                    {
                        ListenEndPoint = new IPEndPoint(IPAddress.Parse(options.ListenHost), options.ListenPort),
                        Nickname = options.Nickname,
                        Password = options.Password,
                        PeerDiscovery = options.PeerDiscovery,
                        ConnectionLimit = options.ConnectionLimit,
                        ConnectionRotationInterval = options.ConnectionRotationInterval,
                    },
                    logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger<TcpPeerTransport>()));
            });

            builder.Services.AddSingleton<IGossipMetricsSource, GossipMetricsSource>();
            builder.Services.AddSingleton<IPeerRouter, PeerRouter>();
            // Docker events release the addresses of containers that die; without Docker the daemon
            // still runs and its status says so.
            if (settings.Docker)
                builder.Services.AddWeaveDocker(o => o.Endpoint = settings.DockerEndpoint);
            // Before anything is allocated, the addresses already in use on the bridge and its containers are claimed.
            builder.Services.AddWeaveAddressReclaim(settings.Bridge);

            var app = builder.Build();
            var gate = new ListenerGate(plan);
            var deferred = new DeferredEndpoints(app);
            ((IEndpointRouteBuilder)app).DataSources.Add(deferred);
            app.Use(deferred.HoldDashboardRequests);
            app.UseRouting();
            app.Use(gate.InvokeAsync);

            // A plain liveness line for scripts and smoke tests.
            app.MapGet("/_health", async (IHostAllocatorAccessor allocator) =>
            {
                var status = await allocator.Grain.Status();
                return Results.Text($"{status.PeerName}({status.Nickname}) {status.Line}\n");
            }).WithMetadata(new ServedOnAttribute(ListenerKind.Api | ListenerKind.Status));

            app.MapWeaveControlApi().WithMetadata(new ServedOnAttribute(ListenerKind.Api));
            // Docker's containers, for the CLI's run, start, attach and ps: the API only, as they name and start containers.
            app.MapContainerRoutes().WithMetadata(new ServedOnAttribute(ListenerKind.Api));
            app.MapWeaveStatusApi().WithMetadata(new ServedOnAttribute(ListenerKind.Api | ListenerKind.Status));
            app.MapWeaveMetrics().WithMetadata(new ServedOnAttribute(ListenerKind.Api | ListenerKind.Status | ListenerKind.Metrics));
            app.MapDockerIpamPlugin().WithMetadata(new ServedOnAttribute(ListenerKind.Plugin));

            if (string.IsNullOrEmpty(options.Password))
                app.Logger.LogWarning(
                    "Encryption: disabled, peer authentication: none. Any host that reaches {ListenHost}:{ListenPort} can join as a peer and change the ring; set --password on every peer",
                    options.ListenHost, options.ListenPort);
            app.Logger.LogInformation(
                "weaver {Peer}({Nickname}): peers on {ListenHost}:{ListenPort}, listeners {Listeners}, cluster {ClusterId} on loopback (silo {SiloPort}, gateway {GatewayPort}), data in {DataDir}",
                options.PeerName, options.Nickname, options.ListenHost, options.ListenPort, string.Join(", ", plan.Listeners),
                settings.ClusterId, settings.SiloPort, settings.GatewayPort, options.DataDirectory);
            if (plan.PluginSocket is { } pluginSocket)
                app.Logger.LogInformation("Docker IPAM driver on {Socket}: docker network create --ipam-driver NAME, NAME being the name of the file (or of the spec file naming it) under Docker's plugin directories",
                    pluginSocket);
            var files = new DaemonFiles(options.DataDirectory);
            try
            {
                await app.StartAsync(cancellation);
                files.Announce(options.PeerName);
                _ = Task.Run(() => AfterStartAsync(app, deferred, cancellation), CancellationToken.None);
                await app.WaitForShutdownAsync(cancellation);
            }
            finally
            {
                files.Withdraw();
                foreach (var socket in plan.Listeners.Select(l => l.Address.SocketPath).OfType<string>())
                    UnixSocketFile.Remove(socket);
            }
        }

        /// <summary>What the first POST need not wait for: a donation between throwaway engines, the dashboard's routes, then a refused allocation through the grain.</summary>
        private static async Task AfterStartAsync(WebApplication app, DeferredEndpoints deferred, CancellationToken cancellation)
        {
            try
            {
                if (!await DonationWarmup.RunAsync(cancellation).WaitAsync(TimeSpan.FromSeconds(30), cancellation))
                    app.Logger.LogWarning("Start-up warm-up: the throwaway donation did not complete; the first real one compiles its code");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                app.Logger.LogWarning("Start-up warm-up failed: {Error}", e.GetBaseException().Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                deferred.Map(routes =>
                {
                    routes.MapGroup("").WithMetadata(new ServedOnAttribute(ListenerKind.Dashboard)).MapOrleansDashboard("/dashboard");
                    // After the dashboard: its start page is served again with a link to the IPAM page.
                    routes.MapIpamPage().WithMetadata(new ServedOnAttribute(ListenerKind.Dashboard));
                });
            }
            catch (Exception e)
            {
                app.Logger.LogError("Dashboard and IPAM page not served: {Error}", e.GetBaseException().Message);
            }
            try
            {
                // Last: it waits behind the claims of addresses already in use (Docker), as any allocation does.
                var options = app.Services.GetRequiredService<HostOptions>();
                await GrainCallWarmup.RunAsync(app.Services.GetRequiredService<IGrainFactory>(), options.HostKey, options.Range, cancellation)
                    .WaitAsync(TimeSpan.FromSeconds(30), cancellation);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                app.Logger.LogWarning("Start-up warm-up of the allocator's calls failed: {Error}", e.GetBaseException().Message);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
