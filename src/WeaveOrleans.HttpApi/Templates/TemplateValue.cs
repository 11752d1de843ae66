using System.Text.Json;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// The values a template works with: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, null, and <see cref="JsonElement"/> for objects and arrays. Scalars read from the
/// document are turned into the first five, so functions and literals compare alike.
/// </summary>
internal static class TemplateValue
{
    public static object? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element,
    };

    /// <summary>Go's truth: false, 0, nil, and empty strings and lists are false; objects (Go structs) are true.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        JsonElement { ValueKind: JsonValueKind.Array } a => a.GetArrayLength() > 0,
        _ => true,
    };

    /// <summary>The name of the value's type in messages, after Go's (<c>int</c>, <c>string</c>, ...).</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "nil",
        bool => "bool",
        long => "int",
        double => "float64",
        string => "string",
        JsonElement { ValueKind: JsonValueKind.Array } => "list",
        _ => "object",
    };
}
