namespace WeaveOrleans.HttpApi;

/// <summary>
/// Optional DI service: this host's peer connections, for <c>POST /connect</c>, <c>POST /forget</c>,
/// <c>/status/targets</c>, <c>/status/connections</c>, <c>/status/peers</c> and the router lines of
/// <c>/status</c>. Without one, those routes answer 404 and <c>/status</c> shows the grain's view alone.
/// </summary>
public interface IPeerRouter
{
    /// <summary>False until the allocator is activated (its state restored) and the peer port listens: <c>/status</c> answers 503 until then.</summary>
    bool Ready { get; }

    /// <summary>Whether addresses learned from peers are dialled (Weave's <c>--no-discovery</c> turns it off).</summary>
    bool PeerDiscovery { get; }

    /// <summary>The direct peers (launch peers and <c>connect</c>ed ones, not forgotten), as host:port.</summary>
    IReadOnlyList<string> Targets { get; }

    /// <summary>Live connections and not-connected targets.</summary>
    IReadOnlyList<RouterConnection> Connections { get; }

    /// <summary>
    /// Checks every peer first; when any is bad, returns one reason per bad peer and changes nothing.
    /// Otherwise adds them (after forgetting every other direct peer when <paramref name="replace"/>),
    /// stores the new set and returns no errors.
    /// </summary>
    Task<IReadOnlyList<string>> ConnectAsync(IReadOnlyList<string> peers, bool replace, CancellationToken cancellation);

    /// <summary>Removes these direct peers (stored at once); their live connections stay until they drop.</summary>
    void Forget(IReadOnlyList<string> peers);
}

/// <summary>One entry of the connection list (see <see cref="IPeerRouter.Connections"/>).</summary>
public sealed record RouterConnection(
    bool Outbound,
    string Address,
    string State,
    string? PeerName = null,
    string? Nickname = null,
    string? Error = null,
    DateTimeOffset? RetryAt = null);
