using System.Text.Json;

namespace WeaveOrleans.Docker;

/// <summary>The container events the allocator cares about.</summary>
public enum ContainerEventKind
{
    Started,
    Died,
    Destroyed,
}

/// <summary>One container event from Docker's (or podman's) event stream.</summary>
public readonly record struct ContainerEvent(ContainerEventKind Kind, string ContainerId)
{
    /// <summary>
    /// Reads one JSON line of the /events stream. Null for anything that is not a container
    /// start, die or destroy (podman's compatibility API may say "died" and "remove"), and for malformed lines.
    /// </summary>
    public static ContainerEvent? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var type = Text(root, "Type") ?? Text(root, "type");
            // Old engines send no Type; their events are all container events.
            if (type is not null && type != "container")
                return null;
            var action = Text(root, "Action") ?? Text(root, "action") ?? Text(root, "status");
            ContainerEventKind? kind = action switch
            {
                "start" => ContainerEventKind.Started,
                "die" or "died" => ContainerEventKind.Died,
                "destroy" or "remove" => ContainerEventKind.Destroyed,
                _ => null,
            };
            if (kind is null)
                return null;
            string? id = null;
            if (root.TryGetProperty("Actor", out var actor) && actor.ValueKind == JsonValueKind.Object)
                id = Text(actor, "ID");
            id ??= Text(root, "id") ?? Text(root, "ID");
            return string.IsNullOrEmpty(id) ? null : new ContainerEvent(kind.Value, id);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
