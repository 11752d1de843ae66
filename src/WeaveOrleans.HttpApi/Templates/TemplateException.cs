namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// A template that cannot be parsed or executed. The message is one line, <c>template: LINE:COL: REASON</c>,
/// in the spirit of Go's own, so a user can find the place in what they typed.
/// </summary>
public sealed class TemplateException(string message) : Exception(message)
{
    internal static TemplateException At(Position at, string reason) =>
        new($"template: {at.Line}:{at.Column}: {reason}");
}

/// <summary>Where a token starts in the template text, 1-based.</summary>
internal readonly record struct Position(int Line, int Column);
