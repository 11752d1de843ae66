namespace WeaveOrleans.Host.Tests.Nemesis;

/// <summary>Every client operation of a run, in invocation order, and every fault; thread-safe. Written out as text for a failed run.</summary>
internal sealed class History
{
    private readonly List<Operation> ops = [];
    private readonly List<FaultEvent> faults = [];
    private readonly System.Diagnostics.Stopwatch clock;

    public History(System.Diagnostics.Stopwatch clock) => this.clock = clock;

    public double Now => clock.Elapsed.TotalSeconds;

    public Operation Begin(int host, OpKind kind, string id, string? address)
    {
        lock (ops)
        {
            var op = new Operation(ops.Count, host, kind, id, address, Now);
            ops.Add(op);
            return op;
        }
    }

    public void End(Operation op, int? status, string? reply, string? given)
    {
        lock (ops)
        {
            op.Completed = Now;
            op.Status = status;
            op.Reply = reply;
            op.Given = given;
        }
    }

    public void Fault(string kind, string what)
    {
        lock (faults)
            faults.Add(new FaultEvent(Now, kind, what));
    }

    public IReadOnlyList<Operation> Operations()
    {
        lock (ops)
            return [.. ops.Select(o => o with { })];
    }

    public IReadOnlyList<FaultEvent> Faults()
    {
        lock (faults)
            return [.. faults];
    }

    public void WriteTo(string path)
    {
        using var w = new StreamWriter(path);
        foreach (var f in Faults())
            w.WriteLine($"fault {f.At,8:0.000} {f.Kind} {f.What}");
        foreach (var o in Operations())
            w.WriteLine(o);
    }
}
