namespace WeaveOrleans.Host.Listeners;

/// <summary>One address the daemon's web host binds, and what it serves there.</summary>
public sealed record Listener(ListenAddress Address, ListenerKind Kinds)
{
    public override string ToString() => $"{Address} ({Kinds})";
}
