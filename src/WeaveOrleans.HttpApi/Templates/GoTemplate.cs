using System.Text.Json;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// A Go text/template (the language of Weave's <c>weave report -f</c>) run over a JSON document
/// instead of Go values: fields are looked up by their JSON names, which in Weave's report are the
/// Go field names. Supports text, trim markers, comments, <c>if/else if/else</c>, <c>range</c> (with
/// <c>$i, $e :=</c>), <c>with</c>, variables, pipelines, parentheses, and the functions of
/// <see cref="TemplateFunctions"/>. Not supported: <c>define</c>, <c>template</c>, <c>block</c>,
/// methods, character constants.
/// </summary>
public sealed class GoTemplate
{
    /// <summary>The most a template may write; a larger result is an error, not a truncated answer.</summary>
    public const int MaxOutput = 4 << 20;

    private readonly IReadOnlyList<TemplateNode> _nodes;

    private GoTemplate(IReadOnlyList<TemplateNode> nodes) => _nodes = nodes;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="TemplateException"/> with one line for bad syntax, an unknown function or an undefined variable.</summary>
    public static GoTemplate Parse(string text) => new(TemplateParser.Parse(text));

    /// <summary>
    /// Runs the template over <paramref name="data"/>; throws <see cref="TemplateException"/> for a
    /// field that does not exist, a nil on the way, or a function refusing its arguments.
    /// <paramref name="stringer"/> may give an object's printed form (Go's String methods); null
    /// prints it as Go prints a struct.
    /// </summary>
    public string Execute(JsonElement data, Func<JsonElement, string?>? stringer = null) =>
        TemplateEvaluator.Run(_nodes, data, new GoFormat(stringer), MaxOutput);
}
