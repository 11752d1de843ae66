using System.Text;
using System.Text.Json;

namespace WeaveOrleans.HttpApi.Templates;

/// <summary>
/// Runs a parsed template over a JSON document: <c>.Name</c> is the object's property of that exact
/// name, a list ranges over its items, an object ranges over its properties in name order (as Go
/// ranges over a map).
/// </summary>
internal sealed class TemplateEvaluator
{
    private readonly GoFormat _format;
    private readonly StringBuilder _output = new();
    private readonly List<(string Name, object? Value)> _variables = [];
    private readonly int _maxOutput;

    private TemplateEvaluator(GoFormat format, int maxOutput)
    {
        _format = format;
        _maxOutput = maxOutput;
    }

    public static string Run(IReadOnlyList<TemplateNode> nodes, JsonElement data, GoFormat format, int maxOutput)
    {
        var evaluator = new TemplateEvaluator(format, maxOutput);
        var root = TemplateValue.From(data);
        evaluator._variables.Add(("$", root));
        evaluator.Walk(nodes, root);
        return evaluator._output.ToString();
    }

    private void Walk(IReadOnlyList<TemplateNode> nodes, object? dot)
    {
        var mark = _variables.Count;
        foreach (var node in nodes)
            switch (node)
            {
                case TextNode text:
                    Write(text.Text, text.At);
                    break;
                case ActionNode action:
                    var value = Pipeline(action.Pipe, dot);
                    if (action.Pipe.Declared.Count == 0)
                        Write(_format.Print(value), action.At);
                    break;
                case BranchNode branch:
                    Branch(branch, dot);
                    break;
            }
        _variables.RemoveRange(mark, _variables.Count - mark);
    }

    private void Branch(BranchNode branch, object? dot)
    {
        var mark = _variables.Count;
        if (branch.Kind == BranchKind.Range)
            Range(branch, dot);
        else
        {
            var value = Pipeline(branch.Pipe, dot);
            if (TemplateValue.IsTrue(value))
                Walk(branch.Then, branch.Kind == BranchKind.With ? value : dot);
            else if (branch.Else is { } otherwise)
                Walk(otherwise, dot);
        }
        _variables.RemoveRange(mark, _variables.Count - mark);
    }

    private void Range(BranchNode branch, object? dot)
    {
        var declared = branch.Pipe.Declared;
        var value = Pipeline(branch.Pipe with { Declared = [] }, dot);
        var items = value switch
        {
            null => [],
            JsonElement { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select((e, i) => ((object?)(long)i, TemplateValue.From(e))).ToList(),
            JsonElement { ValueKind: JsonValueKind.Object } o => o.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => ((object?)p.Name, TemplateValue.From(p.Value))).ToList(),
            _ => throw Failure(branch.Pipe.At, "range", $"range can't iterate over {_format.Print(value)} ({TemplateValue.TypeName(value)})"),
        };
        if (items.Count == 0)
        {
            if (branch.Else is { } otherwise)
                Walk(otherwise, dot);
            return;
        }
        var mark = _variables.Count;
        foreach (var (key, item) in items)
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
            if (declared.Count == 1)
                Set(declared[0], item, branch.Pipe.IsAssign);
            else if (declared.Count == 2)
            {
                Set(declared[0], key, branch.Pipe.IsAssign);
                Set(declared[1], item, branch.Pipe.IsAssign);
            }
            Walk(branch.Then, item);
        }
    }

    private object? Pipeline(PipelineNode pipe, object? dot)
    {
        object? value = null;
        var piped = false;
        foreach (var command in pipe.Commands)
        {
            value = Command(command, dot, piped, value);
            piped = true;
        }
        foreach (var name in pipe.Declared)
            Set(name, value, pipe.IsAssign);
        return value;
    }

    private void Set(string name, object? value, bool assign)
    {
        if (assign)
        {
            var i = _variables.FindLastIndex(v => v.Name == name);
            _variables[i] = (name, value);
        }
        else
            _variables.Add((name, value));
    }

    private object? Command(CommandNode command, object? dot, bool piped, object? final)
    {
        var first = command.Args[0];
        if (first is FunctionNode { Name: "and" or "or" } logic)
            return ShortCircuit(logic, command, dot, piped, final);
        if (first is FunctionNode function)
        {
            var args = command.Args.Skip(1).Select(a => Argument(a, dot)).ToList();
            if (piped)
                args.Add(final);
            try
            {
                return TemplateFunctions.Call(function.Name, _format, args);
            }
            catch (TemplateFunctionException e)
            {
                throw Failure(function.At, function.Name, $"error calling {function.Name}: {e.Message}");
            }
        }
        if (command.Args.Count > 1 || piped)
            throw Failure(first.At, first.Source, first is FieldNode or VariableNode or ChainNode
                ? $"{first.Source} is a value, not a function: it takes no arguments"
                : $"can't give argument to non-function {first.Source}");
        return Argument(first, dot);
    }

    /// <summary>
    /// <c>and</c> and <c>or</c> stop at the first argument that decides, as since Go 1.18, so
    /// <c>and .IPAM.Paxos .IPAM.Paxos.Elector</c> does not fail on a nil.
    /// </summary>
    private object? ShortCircuit(FunctionNode logic, CommandNode command, object? dot, bool piped, object? final)
    {
        var args = command.Args.Skip(1).Select(a => (Func<object?>)(() => Argument(a, dot))).ToList();
        if (piped)
            args.Add(() => final);
        if (args.Count == 0)
            throw Failure(logic.At, logic.Name, $"error calling {logic.Name}: wrong number of args for {logic.Name}: want at least 1 got 0");
        object? value = null;
        foreach (var arg in args)
        {
            value = arg();
            if (TemplateValue.IsTrue(value) == (logic.Name == "or"))
                return value;
        }
        return value;
    }

    private object? Argument(ArgNode arg, object? dot) => arg switch
    {
        LiteralNode literal => literal.Value,
        DotNode => dot,
        FieldNode field => Fields(dot, field.Names, field, "."),
        VariableNode variable => Fields(_variables.FindLast(v => v.Name == variable.Name).Value, variable.Fields, variable, variable.Name),
        ChainNode chain => Fields(Pipeline(chain.Pipe, dot), chain.Fields, chain, "(...)"),
        FunctionNode function => throw Failure(function.At, function.Name, $"function {function.Name} must be called: put it first in a command or parentheses"),
        _ => throw new InvalidOperationException($"unknown template node {arg.GetType().Name}"),
    };

    private object? Fields(object? value, IReadOnlyList<string> names, ArgNode at, string start)
    {
        var path = start;
        foreach (var name in names)
        {
            path = path.EndsWith('.') ? path + name : path + "." + name;
            value = value switch
            {
                JsonElement { ValueKind: JsonValueKind.Object } o when o.TryGetProperty(name, out var field) => TemplateValue.From(field),
                JsonElement { ValueKind: JsonValueKind.Object } => throw Failure(at.At, at.Source, $"can't evaluate field {name}: no such field at {path}"),
                null => throw Failure(at.At, at.Source, $"nil pointer evaluating {path}"),
                _ => throw Failure(at.At, at.Source, $"can't evaluate field {name} in type {TemplateValue.TypeName(value)}"),
            };
        }
        return value;
    }

    private void Write(string text, Position at)
    {
        if (_output.Length + text.Length > _maxOutput)
            throw TemplateException.At(at, $"output exceeds {_maxOutput} characters");
        _output.Append(text);
    }

    private static TemplateException Failure(Position at, string source, string reason) =>
        TemplateException.At(at, $"executing at <{source}>: {reason}");
}
