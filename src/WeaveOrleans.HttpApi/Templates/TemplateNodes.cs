namespace WeaveOrleans.HttpApi.Templates;

/// <summary>A piece of a parsed template: text to copy, or an action.</summary>
internal abstract record TemplateNode(Position At);

internal sealed record TextNode(string Text, Position At) : TemplateNode(At);

/// <summary><c>{{pipeline}}</c>: prints the pipeline's value unless it declares or assigns a variable.</summary>
internal sealed record ActionNode(PipelineNode Pipe, Position At) : TemplateNode(At);

internal enum BranchKind
{
    If,
    Range,
    With,
}

/// <summary><c>{{if}}</c>, <c>{{range}}</c> or <c>{{with}}</c> with its body and optional <c>{{else}}</c>.</summary>
internal sealed record BranchNode(BranchKind Kind, PipelineNode Pipe, IReadOnlyList<TemplateNode> Then, IReadOnlyList<TemplateNode>? Else, Position At) : TemplateNode(At);

/// <param name="Declared">Variables the pipeline declares (<c>:=</c>) or assigns (<c>=</c>): at most two, for <c>range $i, $e := ...</c>.</param>
internal sealed record PipelineNode(IReadOnlyList<string> Declared, bool IsAssign, IReadOnlyList<CommandNode> Commands, Position At);

/// <summary>One stage of a pipeline: a function and its arguments, or a single operand.</summary>
internal sealed record CommandNode(IReadOnlyList<ArgNode> Args, Position At);

/// <summary>An operand. <see cref="Source"/> is how it reads in the template, for error messages.</summary>
internal abstract record ArgNode(Position At)
{
    public abstract string Source { get; }
}

/// <summary><c>.A.B</c>: fields of dot.</summary>
internal sealed record FieldNode(IReadOnlyList<string> Names, Position At) : ArgNode(At)
{
    public override string Source => "." + string.Join('.', Names);
}

/// <summary><c>$x.A.B</c> (<c>$</c> alone is the data the template was given).</summary>
internal sealed record VariableNode(string Name, IReadOnlyList<string> Fields, Position At) : ArgNode(At)
{
    public override string Source => Fields.Count == 0 ? Name : Name + "." + string.Join('.', Fields);
}

internal sealed record DotNode(Position At) : ArgNode(At)
{
    public override string Source => ".";
}

/// <summary><c>(pipeline).A.B</c>.</summary>
internal sealed record ChainNode(PipelineNode Pipe, IReadOnlyList<string> Fields, Position At) : ArgNode(At)
{
    public override string Source => Fields.Count == 0 ? "(...)" : "(...)." + string.Join('.', Fields);
}

internal sealed record FunctionNode(string Name, Position At) : ArgNode(At)
{
    public override string Source => Name;
}

/// <summary>A string, number (<see cref="long"/> or <see cref="double"/>), <c>true</c>/<c>false</c> or <c>nil</c>.</summary>
internal sealed record LiteralNode(object? Value, string Text, Position At) : ArgNode(At)
{
    public override string Source => Text;
}
