namespace WeaveOrleans.Contract.Text;

/// <summary>
/// Every error the daemon, the CLI, the Docker plugin and the CNI plugin print is one line, whatever a
/// caller or a lower layer put in it: a newline smuggled into an ident or an exception message must not
/// forge a second line of output or of a log.
/// </summary>
public static class OneLine
{
    /// <summary>The text with every control character (newlines, tabs, escapes) replaced by a space.</summary>
    public static string Of(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        });
}
