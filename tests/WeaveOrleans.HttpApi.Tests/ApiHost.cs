using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeaveOrleans.Grains;

namespace WeaveOrleans.HttpApi.Tests;

/// <summary>The API on a real Kestrel bound to 127.0.0.1 on a free port, over a fake grain.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    public FakeHostAllocator Grain { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    private ApiHost(WebApplication app, FakeHostAllocator grain, Uri baseAddress)
    {
        _app = app;
        Grain = grain;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static async Task<ApiHost> StartAsync(
        FakeHostAllocator? grain = null,
        IGossipMetricsSource? gossip = null,
        Action<IServiceCollection>? configure = null,
        bool ipamPage = false)
    {
        grain ??= new FakeHostAllocator();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostAllocatorAccessor>(new Accessor(grain));
        if (gossip is not null)
            builder.Services.AddSingleton(gossip);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapWeaveHttpApi();
        if (ipamPage)
            app.MapIpamPage(dashboardPrefix: null);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiHost(app, grain, new Uri(address));
    }

    public async Task<(int Status, string Body)> Send(HttpMethod method, string path)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(method, path));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Accessor(IHostAllocatorGrain grain) : IHostAllocatorAccessor
    {
        public IHostAllocatorGrain Grain { get; } = grain;
    }
}
