namespace WeaveOrleans.HttpApi.Tests;

/// <summary>A stand-in for the host's peer connections: records connect and forget, answers with what a test set.</summary>
internal sealed class FakeRouter : IPeerRouter
{
    public bool Ready { get; set; } = true;
    public bool PeerDiscovery { get; set; } = true;
    public List<string> TargetList { get; } = [];
    public IReadOnlyList<string> Targets => TargetList;
    public List<RouterConnection> ConnectionList { get; } = [];
    public IReadOnlyList<RouterConnection> Connections => ConnectionList;
    public List<(string[] Peers, bool Replace)> ConnectCalls { get; } = [];
    public List<string[]> ForgetCalls { get; } = [];
    public string[] Refuse { get; set; } = [];

    public Task<IReadOnlyList<string>> ConnectAsync(IReadOnlyList<string> peers, bool replace, CancellationToken cancellation)
    {
        ConnectCalls.Add(([.. peers], replace));
        return Task.FromResult<IReadOnlyList<string>>(Refuse);
    }

    public void Forget(IReadOnlyList<string> peers) => ForgetCalls.Add([.. peers]);
}
