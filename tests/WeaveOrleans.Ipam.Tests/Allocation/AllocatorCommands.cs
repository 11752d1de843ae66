using WeaveOrleans.Ipam.Allocation;

namespace WeaveOrleans.Ipam.Tests.Allocation;

internal static class AllocatorCommands
{
    /// <summary>
    /// For an allocator outside any network: runs a command answered at once and returns its answer.
    /// Everything else it produced is dropped.
    /// </summary>
    public static Outcome Answer(this Allocator allocator, Action<Allocator, long> command)
    {
        command(allocator, 1);
        return allocator.TakeEffects().Completions.Single(c => c.RequestId == 1).Outcome;
    }
}
