namespace WeaveOrleans.Host.Listeners;

/// <summary>Endpoint metadata: the listener kinds that may serve the route. A route without it is served nowhere.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ServedOnAttribute(ListenerKind kinds) : Attribute
{
    public ListenerKind Kinds { get; } = kinds;
}
