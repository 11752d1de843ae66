using Microsoft.Extensions.Logging;
using WeaveOrleans.Ipam.Addresses;
using WeaveOrleans.Ipam.Allocation;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace WeaveOrleans.Grains;

/// <summary>
/// Claiming the addresses already in use on the host (<see cref="IExistingAddressSource"/>) before serving any
/// allocation or claim: every activation submits them to the engine first, and allocations and claims wait until
/// it has. The engine retries pending claims before pending allocations, so once submitted they are served first
/// even while the ring is still being agreed. A re-activation claims again (the list is the host's, found once);
/// an address claimed again for a container that has gone since is only held until the next prune.
/// </summary>
public sealed partial class HostAllocatorGrain
{
    private readonly TaskCompletionSource _existingClaims = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void StartClaimingExisting()
    {
        if (_existing is null)
            _existingClaims.TrySetResult();
        else
            _ = ClaimExisting(_existing);
    }

    private async Task ClaimExisting(IExistingAddressSource source)
    {
        IReadOnlyList<ExistingAddress> found;
        try
        {
            found = await source.Found;
        }
        catch (Exception e)
        {
            // Only when the host stops before the search ends (or the search itself is broken): nothing to claim.
            LogExistingSearchFailed(e.GetBaseException().Message);
            found = [];
        }

        var claims = new List<(ExistingAddress What, Task<Outcome> Answer)>();
        foreach (var what in found)
        {
            var cidr = what.Cidr;
            // After an ordinary restart the state already says so; only what it had lost is news.
            if (Engine.Lookup(what.Ident, null).Contains(cidr))
            {
                LogExistingKnown(cidr.ToString(), Short(what.Ident));
                continue;
            }
            // noErrorOnUnknown: before the ring exists the claim is answered at once and carried out when it does.
            var (_, answer) = _driver.Begin(id => Engine.Claim(id, what.Ident, cidr, what.IsContainer, noErrorOnUnknown: true, Now));
            claims.Add((what, answer));
        }
        _existingClaims.TrySetResult();

        foreach (var (what, answer) in claims)
        {
            switch (await answer)
            {
                case Outcome.Ok:
                    LogExistingClaimed(what.Cidr.ToString(), Short(what.Ident));
                    break;
                case Outcome.Failed failed:
                    LogExistingRefused(what.Cidr.ToString(), Short(what.Ident), failed.Message);
                    break;
                case Outcome.Cancelled cancelled:
                    LogExistingRefused(what.Cidr.ToString(), Short(what.Ident), cancelled.Reason);
                    break;
            }
        }
    }

    /// <summary>The status line while allocations wait for the addresses in use; null once they are claimed.</summary>
    private string? ExistingClaimsStatus() =>
        _existingClaims.Task.IsCompleted || _existing is null
            ? null
            : $"waiting to claim the addresses in use before allocating: {_existing.Waiting}";

    private static string Short(string ident) => ident.Length == 64 ? ident[..12] : ident;

    [LoggerMessage(MsLogLevel.Information, "Reclaimed {Address} for {Ident}: it was in use on this host")]
    private partial void LogExistingClaimed(string address, string ident);

    [LoggerMessage(MsLogLevel.Debug, "{Address} in use by {Ident} is already recorded")]
    private partial void LogExistingKnown(string address, string ident);

    [LoggerMessage(MsLogLevel.Warning, "Could not reclaim {Address} in use by {Ident}: {Error}")]
    private partial void LogExistingRefused(string address, string ident, string error);

    [LoggerMessage(MsLogLevel.Error, "The search for addresses in use failed, nothing reclaimed: {Error}")]
    private partial void LogExistingSearchFailed(string error);
}
