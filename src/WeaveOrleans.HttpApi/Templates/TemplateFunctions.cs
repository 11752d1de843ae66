using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// The functions a template can call: Go's builtins (<c>and or not len index slice eq ne lt le gt ge
/// print printf println html js urlquery</c>) and <c>json</c>, the one function Weave adds (compact
/// JSON of its argument).
/// </summary>
internal static class TemplateFunctions
{
    private delegate object? Function(GoFormat format, IReadOnlyList<object?> args);

    private static readonly Dictionary<string, Function> Functions = new(StringComparer.Ordinal)
    {
        // The evaluator runs and/or itself, stopping at the deciding argument; these serve a direct call.
        ["and"] = (_, a) => AtLeast("and", a, 1).FirstOrDefault(v => !TemplateValue.IsTrue(v), a[^1]),
        ["or"] = (_, a) => AtLeast("or", a, 1).FirstOrDefault(TemplateValue.IsTrue, a[^1]),
        ["not"] = (_, a) => !TemplateValue.IsTrue(Exactly("not", a, 1)[0]),
        ["len"] = (_, a) => Length(Exactly("len", a, 1)[0]),
        ["index"] = (_, a) => Index(AtLeast("index", a, 1)),
        ["slice"] = (_, a) => Slice(AtLeast("slice", a, 1)),
        ["eq"] = (_, a) => AtLeast("eq", a, 2).Skip(1).Any(b => Compare(a[0], b, equality: true) == 0),
        ["ne"] = (_, a) => Compare(Exactly("ne", a, 2)[0], a[1], equality: true) != 0,
        ["lt"] = (_, a) => Compare(Exactly("lt", a, 2)[0], a[1], equality: false) < 0,
        ["le"] = (_, a) => Compare(Exactly("le", a, 2)[0], a[1], equality: false) <= 0,
        ["gt"] = (_, a) => Compare(Exactly("gt", a, 2)[0], a[1], equality: false) > 0,
        ["ge"] = (_, a) => Compare(Exactly("ge", a, 2)[0], a[1], equality: false) >= 0,
        ["print"] = (f, a) => f.Sprint(a),
        ["println"] = (f, a) => f.Sprintln(a),
        ["printf"] = (f, a) => AtLeast("printf", a, 1)[0] is string format
            ? f.Sprintf(format, [.. a.Skip(1)])
            : throw new TemplateFunctionException($"printf: the format must be a string, not {TemplateValue.TypeName(a[0])}"),
        ["html"] = (f, a) => HtmlEscape(f.Sprint(a)),
        ["js"] = (f, a) => JsEscape(f.Sprint(a)),
        ["urlquery"] = (f, a) => WebUtility.UrlEncode(f.Sprint(a)),
        ["json"] = (_, a) => Json(Exactly("json", a, 1)[0]),
    };

    public static bool IsDefined(string name) => Functions.ContainsKey(name);

    public static object? Call(string name, GoFormat format, IReadOnlyList<object?> args) => Functions[name](format, args);

    private static IReadOnlyList<object?> Exactly(string name, IReadOnlyList<object?> args, int count) =>
        args.Count == count ? args : throw new TemplateFunctionException($"wrong number of args for {name}: want {count} got {args.Count}");

    private static IReadOnlyList<object?> AtLeast(string name, IReadOnlyList<object?> args, int count) =>
        args.Count >= count ? args : throw new TemplateFunctionException($"wrong number of args for {name}: want at least {count} got {args.Count}");

    private static long Length(object? value) => value switch
    {
        string s => Encoding.UTF8.GetByteCount(s), // Go counts bytes
        JsonElement { ValueKind: JsonValueKind.Array } a => a.GetArrayLength(),
        JsonElement { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().Count(),
        _ => throw new TemplateFunctionException($"len of type {TemplateValue.TypeName(value)}"),
    };

    private static object? Index(IReadOnlyList<object?> args)
    {
        var item = args[0];
        foreach (var key in args.Skip(1))
            item = item switch
            {
                JsonElement { ValueKind: JsonValueKind.Array } a when key is long i =>
                    i >= 0 && i < a.GetArrayLength() ? TemplateValue.From(a[(int)i]) : throw new TemplateFunctionException($"index out of range: {i}"),
                JsonElement { ValueKind: JsonValueKind.Object } o when key is string name =>
                    o.TryGetProperty(name, out var v) ? TemplateValue.From(v) : null,
                string s when key is long i =>
                    i >= 0 && i < Encoding.UTF8.GetByteCount(s) ? (long)Encoding.UTF8.GetBytes(s)[i] : throw new TemplateFunctionException($"index out of range: {i}"),
                null => throw new TemplateFunctionException("index of untyped nil"),
                _ => throw new TemplateFunctionException($"cannot index {TemplateValue.TypeName(item)} with {TemplateValue.TypeName(key)}"),
            };
        return item;
    }

    private static object? Slice(IReadOnlyList<object?> args)
    {
        var item = args[0];
        if (args.Count > 3)
            throw new TemplateFunctionException("slice: too many indexes (a third one, for capacity, is not supported)");
        var length = item switch
        {
            string s => s.Length,
            JsonElement { ValueKind: JsonValueKind.Array } a => a.GetArrayLength(),
            _ => throw new TemplateFunctionException($"can't slice item of type {TemplateValue.TypeName(item)}"),
        };
        var bounds = args.Skip(1).Select(a => a is long l ? l : throw new TemplateFunctionException($"slice: index of type {TemplateValue.TypeName(a)}")).ToList();
        var from = bounds.Count > 0 ? bounds[0] : 0;
        var to = bounds.Count > 1 ? bounds[1] : length;
        if (from < 0 || to > length || from > to)
            throw new TemplateFunctionException($"slice: indexes [{from}:{to}] out of range for length {length}");
        if (item is string text)
            return text[(int)from..(int)to];
        var elements = ((JsonElement)item!).EnumerateArray().Skip((int)from).Take((int)(to - from)).ToList();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var e in elements)
                e.WriteTo(writer);
            writer.WriteEndArray();
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Order of two basic values (bool, number, string; nil only for equality). Numbers compare by
    /// value whatever their kind, where Go insists both be ints or both floats.
    /// </summary>
    private static int Compare(object? a, object? b, bool equality)
    {
        switch (a, b)
        {
            case (long x, long y): return x.CompareTo(y);
            case (long or double, long or double):
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
            case (string x, string y): return string.CompareOrdinal(x, y);
            case (bool x, bool y) when equality: return x == y ? 0 : 1;
            case (null, null) when equality: return 0;
            case (null, not JsonElement) or (not JsonElement, null) when equality: return 1;
        }
        if (a is JsonElement || b is JsonElement || !equality)
            throw new TemplateFunctionException($"invalid type for comparison: {TemplateValue.TypeName(a)} and {TemplateValue.TypeName(b)}");
        throw new TemplateFunctionException($"incompatible types for comparison: {TemplateValue.TypeName(a)} and {TemplateValue.TypeName(b)}");
    }

    private static readonly JsonWriterOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactJson))
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case long l: writer.WriteNumberValue(l); break;
                case double d: writer.WriteNumberValue(d); break;
                case string s: writer.WriteStringValue(s); break;
                case JsonElement e: e.WriteTo(writer); break;
            }
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Go's HTMLEscapeString.</summary>
    private static string HtmlEscape(string s)
    {
        var text = new StringBuilder(s.Length);
        foreach (var c in s)
            text.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        return text.ToString();
    }

    /// <summary>Go's JSEscapeString.</summary>
    private static string JsEscape(string s)
    {
        var text = new StringBuilder(s.Length);
        foreach (var c in s)
            text.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '"' => "\\\"",
                '<' => "\\u003C",
                '>' => "\\u003E",
                '&' => "\\u0026",
                '=' => "\\u003D",
                < ' ' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        return text.ToString();
    }
}

/// <summary>A function refused its arguments; the evaluator adds where it was called.</summary>
internal sealed class TemplateFunctionException(string message) : Exception(message);
