namespace WeaveOrleans.HttpApi.Templates;

internal enum TokenKind
{
    Text,
    LeftDelim,
    RightDelim,
    Identifier,
    Field,
    Dot,
    Variable,
    String,
    Number,
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
}

/// <param name="Value">The text: for a field or variable its name without the <c>.</c> (<c>$</c> kept), for a string its decoded value.</param>
/// <param name="SpaceBefore">Whether blank space separates it from the token before: <c>.A.B</c> is one chain, <c>.A .B</c> two arguments.</param>
internal sealed record TemplateToken(TokenKind Kind, string Value, Position At, bool SpaceBefore = false);
