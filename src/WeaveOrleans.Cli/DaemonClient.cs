using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using WeaveOrleans.Grains;

namespace WeaveOrleans.Cli;

/// <summary>An Orleans client connected to this host's daemon (its single-silo cluster on loopback).</summary>
public sealed class DaemonClient : IAsyncDisposable
{
    public const string ServiceId = "weave-orleans";
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the Orleans client may take to start once the gateway port answers: the daemon is
    /// there, and on a busy host the handshake alone has taken more than 6 s (a CI run with several
    /// daemons on two cores), so giving up sooner only turns load into a false "timed out".
    /// </summary>
    public static readonly TimeSpan ClientStartTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private DaemonClient(IHost host, string peerName, IHostAllocatorGrain grain)
    {
        _host = host;
        PeerName = peerName;
        Grain = grain;
    }

    public string PeerName { get; }

    public IHostAllocatorGrain Grain { get; }

    public static string ClusterIdFor(string peerName) => "weave-" + peerName.Replace(":", "", StringComparison.Ordinal);

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/> within <paramref name="timeout"/>.</summary>
    public static async Task<bool> GatewayAnswers(int port, TimeSpan timeout, CancellationToken cancellation = default)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Connects to the daemon of <paramref name="settings"/>; throws <see cref="CliException"/> when it is not there.</summary>
    public static async Task<DaemonClient> Connect(CliSettings settings, TimeSpan responseTimeout, CancellationToken cancellation = default)
    {
        if (!await GatewayAnswers(settings.GatewayPort, ConnectTimeout, cancellation))
            throw new CliException($"the weave daemon is not running (no gateway on 127.0.0.1:{settings.GatewayPort})");
        var peerName = settings.ReadPeerName()
            ?? throw new CliException($"the weave daemon is not running (no peer name in {settings.PeerNameFile})");
        return await Connect(settings.GatewayPort, peerName, responseTimeout, cancellation);
    }

    public static async Task<DaemonClient> Connect(int gatewayPort, string peerName, TimeSpan responseTimeout, CancellationToken cancellation = default)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, ServiceId, ClusterIdFor(peerName));
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromMinutes(5));
        });
        var host = builder.Build();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        cts.CancelAfter(ClientStartTimeout);
        try
        {
            await host.StartAsync(cts.Token);
        }
        catch (Exception e)
        {
            host.Dispose();
            if (cancellation.IsCancellationRequested)
                throw;
            throw new CliException($"cannot connect to the weave daemon of peer {peerName} on 127.0.0.1:{gatewayPort}: " +
                (e is OperationCanceledException ? "timed out" : e.GetBaseException().Message));
        }
        var grain = host.Services.GetRequiredService<IClusterClient>().GetGrain<IHostAllocatorGrain>(peerName);
        return new DaemonClient(host, peerName, grain);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _host.StopAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        _host.Dispose();
    }
}
