namespace WeaveOrleans.DockerPlugin;

public sealed class DockerPluginOptions
{
    /// <summary>
    /// How long a RequestAddress waits for consensus or space before it is refused: well inside
    /// the time dockerd waits for a plugin's answer, so Docker hears why rather than a timeout.
    /// </summary>
    public TimeSpan AllocationTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
