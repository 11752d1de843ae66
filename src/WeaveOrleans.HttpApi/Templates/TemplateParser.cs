using System.Globalization;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// Builds the tree of a Go text/template from its tokens, checking what Go checks before running:
/// known functions, declared variables, matching <c>{{end}}</c>s.
/// </summary>
internal sealed class TemplateParser
{
    // Deep enough for any real template, shallow enough that no input can exhaust the stack.
    private const int MaxDepth = 100;

    private readonly List<TemplateToken> _tokens;
    private readonly List<string> _variables = ["$"];
    private int _next;
    private int _depth;

    private TemplateParser(List<TemplateToken> tokens) => _tokens = tokens;

    public static IReadOnlyList<TemplateNode> Parse(string text)
    {
        var parser = new TemplateParser(TemplateLexer.Tokenize(text));
        var (nodes, stop) = parser.List();
        if (stop is not null)
            throw TemplateException.At(stop.At, $"unexpected {{{{{stop.Value}}}}}");
        return nodes;
    }

    /// <summary>Nodes up to the end of the input or an <c>{{end}}</c>/<c>{{else}}</c>, which is returned with its keyword consumed.</summary>
    private (List<TemplateNode> Nodes, TemplateToken? Stop) List()
    {
        var nodes = new List<TemplateNode>();
        while (_next < _tokens.Count)
        {
            var token = _tokens[_next++];
            if (token.Kind == TokenKind.Text)
            {
                nodes.Add(new TextNode(token.Value, token.At));
                continue;
            }
            var first = Peek("an action");
            if (first.Kind == TokenKind.Identifier)
                switch (first.Value)
                {
                    case "end" or "else":
                        _next++;
                        return (nodes, first);
                    case "if":
                        nodes.Add(Branch(BranchKind.If, Take()));
                        continue;
                    case "range":
                        nodes.Add(Branch(BranchKind.Range, Take()));
                        continue;
                    case "with":
                        nodes.Add(Branch(BranchKind.With, Take()));
                        continue;
                    case "define" or "template" or "block" or "break" or "continue":
                        throw TemplateException.At(first.At, $"{{{{{first.Value}}}}} is not supported");
                }
            // A variable an action declares lives to the end of the enclosing block (see Branch).
            var pipe = Pipeline(first.At, "command", maxDeclared: 1);
            Expect(TokenKind.RightDelim, "command");
            nodes.Add(new ActionNode(pipe, token.At));
        }
        return (nodes, null);
    }

    /// <summary>After the keyword: the pipeline, the body, an optional else (or else if), and the end.</summary>
    private BranchNode Branch(BranchKind kind, TemplateToken keyword)
    {
        if (++_depth > MaxDepth)
            throw TemplateException.At(keyword.At, "template nests too deep");
        var mark = _variables.Count;
        var pipe = Pipeline(keyword.At, keyword.Value, maxDeclared: kind == BranchKind.Range ? 2 : 1);
        Expect(TokenKind.RightDelim, keyword.Value);
        var (then, stop) = List();
        IReadOnlyList<TemplateNode>? otherwise = null;
        if (stop?.Value == "else")
        {
            if (kind == BranchKind.If && At(0, TokenKind.Identifier) && _tokens[_next].Value == "if")
            {
                // {{else if X}} opens an if that shares this one's {{end}}: the inner branch consumes it.
                otherwise = [Branch(BranchKind.If, Take())];
                stop = null;
            }
            else
            {
                Expect(TokenKind.RightDelim, "else");
                (var elseNodes, stop) = List();
                otherwise = elseNodes;
                if (stop?.Value == "else")
                    throw TemplateException.At(stop.At, "expected end; found {{else}}");
                if (stop is null)
                    throw NoEnd(keyword);
            }
        }
        else if (stop is null)
            throw NoEnd(keyword);
        if (stop is not null)
            Expect(TokenKind.RightDelim, "end");
        _variables.RemoveRange(mark, _variables.Count - mark);
        _depth--;
        return new BranchNode(kind, pipe, then, otherwise, keyword.At);
    }

    private static TemplateException NoEnd(TemplateToken keyword) =>
        TemplateException.At(keyword.At, $"unexpected EOF: {{{{{keyword.Value}}}}} has no {{{{end}}}}");

    private PipelineNode Pipeline(Position at, string context, int maxDeclared)
    {
        var declared = new List<string>();
        var isAssign = false;
        if (Declaration(maxDeclared) is { } declaration)
            (declared, isAssign) = declaration;
        var commands = new List<CommandNode>();
        while (true)
        {
            var token = Peek(context);
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
            {
                if (commands.Count == 0)
                    throw TemplateException.At(token.At, $"missing value for {context}");
                break;
            }
            var command = Command(context);
            if (commands.Count > 0 && command.Args[0] is LiteralNode or DotNode or ChainNode { Fields.Count: 0 })
                throw TemplateException.At(command.At, $"non executable command in pipeline stage {commands.Count + 1}");
            commands.Add(command);
            if (Peek(context).Kind != TokenKind.Pipe)
                continue;
            _next++;
            if (Peek(context).Kind is TokenKind.RightDelim or TokenKind.RightParen)
                throw TemplateException.At(token.At, "missing command after |");
        }
        foreach (var name in declared)
            if (!isAssign)
                _variables.Add(name);
            else if (!_variables.Contains(name))
                throw TemplateException.At(at, $"undefined variable \"{name}\"");
        return new PipelineNode(declared, isAssign, commands, at);
    }

    /// <summary><c>$x :=</c>, <c>$x =</c> or (for range) <c>$i, $e :=</c> at the start of a pipeline; null when it is not one.</summary>
    private (List<string>, bool)? Declaration(int maxDeclared)
    {
        if (!(At(0, TokenKind.Variable) && (At(1, TokenKind.Declare) || At(1, TokenKind.Assign)
            || (maxDeclared > 1 && At(1, TokenKind.Comma) && At(2, TokenKind.Variable) && (At(3, TokenKind.Declare) || At(3, TokenKind.Assign))))))
            return null;
        var names = new List<string> { Take().Value };
        if (At(0, TokenKind.Comma))
        {
            _next++;
            names.Add(Take().Value);
        }
        var op = Take();
        if (names.Contains("$"))
            throw TemplateException.At(op.At, "cannot declare or assign $");
        return (names, op.Kind == TokenKind.Assign);
    }

    private bool At(int ahead, TokenKind kind) => _next + ahead < _tokens.Count && _tokens[_next + ahead].Kind == kind;

    private CommandNode Command(string context)
    {
        var args = new List<ArgNode>();
        var start = Peek(context);
        while (true)
        {
            var token = Peek(context);
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen or TokenKind.Pipe)
                break;
            if (args.Count > 0 && !token.SpaceBefore)
                throw TemplateException.At(token.At, $"missing space before {Describe(token)}");
            args.Add(Operand(context));
        }
        return new CommandNode(args, start.At);
    }

    private ArgNode Operand(string context)
    {
        var token = Take();
        ArgNode term = token.Kind switch
        {
            TokenKind.Field => new FieldNode([token.Value, .. Fields()], token.At),
            TokenKind.Dot => new DotNode(token.At),
            TokenKind.Variable => Variable(token),
            TokenKind.String => new LiteralNode(token.Value, Quoted(token.Value), token.At),
            TokenKind.Number => Number(token),
            TokenKind.LeftParen => Parenthesised(token),
            TokenKind.Identifier => Identifier(token),
            _ => throw TemplateException.At(token.At, $"unexpected {Describe(token)} in {context}"),
        };
        if (At(0, TokenKind.Field) && !_tokens[_next].SpaceBefore && term is not (FieldNode or VariableNode or ChainNode))
            throw TemplateException.At(_tokens[_next].At, $"unexpected .{_tokens[_next].Value} after {term.Source}");
        return term;
    }

    private VariableNode Variable(TemplateToken token)
    {
        if (!_variables.Contains(token.Value))
            throw TemplateException.At(token.At, $"undefined variable \"{token.Value}\"");
        return new VariableNode(token.Value, Fields(), token.At);
    }

    private ChainNode Parenthesised(TemplateToken open)
    {
        if (++_depth > MaxDepth)
            throw TemplateException.At(open.At, "template nests too deep");
        var pipe = Pipeline(open.At, "parenthesized pipeline", maxDeclared: 0);
        Expect(TokenKind.RightParen, "parenthesized pipeline");
        _depth--;
        return new ChainNode(pipe, Fields(), open.At);
    }

    private ArgNode Identifier(TemplateToken token) => token.Value switch
    {
        "true" => new LiteralNode(true, "true", token.At),
        "false" => new LiteralNode(false, "false", token.At),
        "nil" => new LiteralNode(null, "nil", token.At),
        var name when TemplateFunctions.IsDefined(name) => new FunctionNode(name, token.At),
        var name => throw TemplateException.At(token.At, $"function \"{name}\" not defined"),
    };

    /// <summary>The field names that follow with no space between (<c>.A.B</c>, <c>$x.A</c>, <c>(...).A</c>).</summary>
    private List<string> Fields()
    {
        var names = new List<string>();
        while (At(0, TokenKind.Field) && !_tokens[_next].SpaceBefore)
            names.Add(Take().Value);
        return names;
    }

    private static LiteralNode Number(TemplateToken token)
    {
        var text = token.Value.Replace("_", "", StringComparison.Ordinal);
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return new LiteralNode(negative ? -hex : hex, token.Value, token.At);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return new LiteralNode(integer, token.Value, token.At);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return new LiteralNode(real, token.Value, token.At);
        throw TemplateException.At(token.At, $"bad number syntax: \"{token.Value}\"");
    }

    private TemplateToken Peek(string context) =>
        _next < _tokens.Count ? _tokens[_next] : throw TemplateException.At(_tokens[^1].At, $"unclosed action in {context}");

    private TemplateToken Take()
    {
        var token = Peek("action");
        _next++;
        return token;
    }

    private void Expect(TokenKind kind, string context)
    {
        var token = Peek(context);
        if (token.Kind != kind)
            throw TemplateException.At(token.At, $"unexpected {Describe(token)} in {context}");
        _next++;
    }

    private static string Describe(TemplateToken token) => token.Kind switch
    {
        TokenKind.RightDelim => "\"}}\"",
        TokenKind.RightParen => "\")\"",
        TokenKind.LeftParen => "\"(\"",
        TokenKind.Field => $"<.{token.Value}>",
        TokenKind.String => Quoted(token.Value),
        _ => $"<{token.Value}>",
    };

    private static string Quoted(string value) => GoFormat.Quote(value);
}
