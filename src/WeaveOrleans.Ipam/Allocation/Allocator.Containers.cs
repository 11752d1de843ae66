namespace WeaveOrleans.Ipam.Allocation;

public sealed partial class Allocator
{
    /// <summary>A container (re)started: it keeps its addresses.</summary>
    public void ContainerStarted(string id) => _dead.Forget(id);

    /// <summary>
    /// A container died: its addresses are released after the grace period unless it starts again
    /// first; its pending requests are cancelled.
    /// </summary>
    public void ContainerDied(string id, TimeSpan now)
    {
        if (_idents.IsContainer(id))
            _dead.Died(id, now);
        CancelFor(id, "container died");
    }

    /// <summary>A container was removed: its addresses are released at once.</summary>
    public void ContainerDestroyed(string id)
    {
        if (_idents.IsContainer(id))
            Release(id);
        CancelFor(id, "container destroyed");
    }

    /// <summary>
    /// Whenever the list of running containers is fresh (at start-up and after every reconnect to Docker): releases the
    /// addresses of every container that is not running any more, and takes back the pending death of every one that
    /// is (it was restarted while its start event could not be heard). Returns how many idents were released.
    /// </summary>
    public int PruneOwned(IReadOnlySet<string> runningContainers)
    {
        foreach (var id in runningContainers)
            _dead.Forget(id);
        var gone = _idents.ContainerIdents().FindAll(id => !runningContainers.Contains(id));
        foreach (var id in gone)
        {
            Release(id);
            Log(LogLevel.Info, $"Released addresses of {id}: the container is gone");
        }
        return gone.Count;
    }

    private void RemoveDeadContainers(TimeSpan now)
    {
        foreach (var id in _dead.Expired(now, Config.ContainerDeathGrace))
            Release(id);
    }
}
