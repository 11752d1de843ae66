using System.Globalization;
using System.Text;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// Splits a Go text/template into text and the tokens of its actions (<c>{{ ... }}</c>), honouring
/// Go's trim markers (<c>{{- </c> and <c> -}}</c> drop the blank space beside them) and comments
/// (<c>{{/* ... */}}</c>).
/// </summary>
internal sealed class TemplateLexer
{
    private const string Open = "{{";
    private const string Close = "}}";

    private readonly string _text;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;

    private TemplateLexer(string text) => _text = text;

    public static List<TemplateToken> Tokenize(string text)
    {
        var lexer = new TemplateLexer(text);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var trimNextText = false;
        while (_pos < _text.Length)
        {
            var open = _text.IndexOf(Open, _pos, StringComparison.Ordinal);
            var end = open < 0 ? _text.Length : open;
            var trimLeft = open >= 0 && At(open + 2, "-") && IsBlank(open + 3);
            var text = _text[_pos..end];
            if (trimNextText)
                text = text.TrimStart(BlankChars);
            if (trimLeft)
                text = text.TrimEnd(BlankChars);
            if (text.Length > 0)
                _tokens.Add(new(TokenKind.Text, text, PositionOf(_pos)));
            if (open < 0)
                return;
            _pos = open + (trimLeft ? 3 : 2);
            trimNextText = Action(open);
        }
    }

    /// <summary>Reads one action from just after its opening delimiter; true when it ends with a trim marker.</summary>
    private bool Action(int start)
    {
        SkipBlank();
        if (At(_pos, "/*"))
            return Comment(start);
        _tokens.Add(new(TokenKind.LeftDelim, Open, PositionOf(start)));
        while (true)
        {
            var blankStart = _pos;
            SkipBlank();
            var spaced = _pos > blankStart;
            if (_pos >= _text.Length)
                throw TemplateException.At(PositionOf(start), "unclosed action");
            if (spaced && At(_pos, "-" + Close))
            {
                _tokens.Add(new(TokenKind.RightDelim, Close, PositionOf(_pos)));
                _pos += 3;
                return true;
            }
            if (At(_pos, Close))
            {
                _tokens.Add(new(TokenKind.RightDelim, Close, PositionOf(_pos)));
                _pos += 2;
                return false;
            }
            _tokens.Add(Token(spaced));
        }
    }

    private bool Comment(int start)
    {
        var close = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
        if (close < 0)
            throw TemplateException.At(PositionOf(start), "unclosed comment");
        _pos = close + 2;
        if (At(_pos, Close))
        {
            _pos += 2;
            return false;
        }
        if (IsBlank(_pos) && At(_pos + 1, "-" + Close))
        {
            _pos += 4;
            return true;
        }
        throw TemplateException.At(PositionOf(close), "comment ends before closing delimiter");
    }

    private TemplateToken Token(bool spaced)
    {
        var at = PositionOf(_pos);
        var c = _text[_pos];
        switch (c)
        {
            case '|': _pos++; return new(TokenKind.Pipe, "|", at, spaced);
            case '(': _pos++; return new(TokenKind.LeftParen, "(", at, spaced);
            case ')': _pos++; return new(TokenKind.RightParen, ")", at, spaced);
            case ',': _pos++; return new(TokenKind.Comma, ",", at, spaced);
            case '=': _pos++; return new(TokenKind.Assign, "=", at, spaced);
            case ':' when At(_pos, ":="): _pos += 2; return new(TokenKind.Declare, ":=", at, spaced);
            case '"': return new(TokenKind.String, QuotedString(at), at, spaced);
            case '`': return new(TokenKind.String, RawString(at), at, spaced);
            case '\'': throw TemplateException.At(at, "character constants are not supported");
            case '$':
                return new(TokenKind.Variable, "$" + Word(_pos + 1), at, spaced);
            case '.' when _pos + 1 < _text.Length && IsWordStart(_text[_pos + 1]):
                return new(TokenKind.Field, Word(_pos + 1), at, spaced);
            case '.' when _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]):
                return new(TokenKind.Number, NumberText(), at, spaced);
            case '.':
                _pos++;
                return new(TokenKind.Dot, ".", at, spaced);
        }
        if (char.IsAsciiDigit(c) || ((c is '-' or '+') && _pos + 1 < _text.Length && (char.IsAsciiDigit(_text[_pos + 1]) || _text[_pos + 1] == '.')))
            return new(TokenKind.Number, NumberText(), at, spaced);
        if (IsWordStart(c))
            return new(TokenKind.Identifier, Word(_pos), at, spaced);
        throw TemplateException.At(at, $"unexpected {Quote(c)} in action");
    }

    /// <summary>Letters, digits and underscores from <paramref name="from"/>; leaves <see cref="_pos"/> after them.</summary>
    private string Word(int from)
    {
        var end = from;
        while (end < _text.Length && IsWordChar(_text[end]))
            end++;
        _pos = end;
        return _text[from..end];
    }

    private string NumberText()
    {
        var start = _pos;
        if (_text[_pos] is '-' or '+')
            _pos++;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            var exponentSign = (c is '+' or '-') && _pos > start && _text[_pos - 1] is 'e' or 'E' or 'p' or 'P' && !IsHex(start);
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' || exponentSign))
                break;
            _pos++;
        }
        return _text[start.._pos];
    }

    private bool IsHex(int start)
    {
        var digits = _text[start] is '-' or '+' ? start + 1 : start;
        return At(digits, "0x") || At(digits, "0X");
    }

    private string QuotedString(Position at)
    {
        var value = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
                throw TemplateException.At(at, "unterminated quoted string");
            var c = _text[_pos++];
            if (c == '"')
                return value.ToString();
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (_pos >= _text.Length)
                throw TemplateException.At(at, "unterminated quoted string");
            var e = _text[_pos++];
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case '\\': value.Append('\\'); break;
                case '"': value.Append('"'); break;
                case 'x': value.Append((char)HexEscape(at, 2)); break;
                case 'u': value.Append(char.ConvertFromUtf32(HexEscape(at, 4))); break;
                case 'U': value.Append(char.ConvertFromUtf32(HexEscape(at, 8))); break;
                default: throw TemplateException.At(at, $"unknown escape sequence \\{e} in quoted string");
            }
        }
    }

    private int HexEscape(Position at, int digits)
    {
        if (_pos + digits > _text.Length
            || !int.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
            throw TemplateException.At(at, "invalid escape in quoted string");
        _pos += digits;
        return code;
    }

    private string RawString(Position at)
    {
        var close = _text.IndexOf('`', _pos + 1);
        if (close < 0)
            throw TemplateException.At(at, "unterminated raw quoted string");
        var value = _text[(_pos + 1)..close];
        _pos = close + 1;
        return value;
    }

    private void SkipBlank()
    {
        while (IsBlank(_pos))
            _pos++;
    }

    private bool IsBlank(int i) => i < _text.Length && Array.IndexOf(BlankChars, _text[i]) >= 0;

    private bool At(int i, string s) => i >= 0 && i + s.Length <= _text.Length && string.CompareOrdinal(_text, i, s, 0, s.Length) == 0;

    private static readonly char[] BlankChars = [' ', '\t', '\r', '\n'];

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static string Quote(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";

    private List<int>? _lineStarts;

    private Position PositionOf(int index)
    {
        if (_lineStarts is null)
        {
            _lineStarts = [0];
            for (var i = 0; i < _text.Length; i++)
                if (_text[i] == '\n')
                    _lineStarts.Add(i + 1);
        }
        var found = _lineStarts.BinarySearch(index);
        var line = found >= 0 ? found : ~found - 1;
        return new Position(line + 1, index - _lineStarts[line] + 1);
    }
}
