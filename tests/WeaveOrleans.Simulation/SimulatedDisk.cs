using System.Buffers.Binary;
using System.Security.Cryptography;
using WeaveOrleans.Storage;

namespace WeaveOrleans.Simulation;

/// <summary>
/// An <see cref="IAllocatorStore"/> over simulated sectors: each write is one checksummed frame of bytes
/// appended to the host's journal, and loading replays the journal. With <see cref="DiskFaults"/> a write
/// can fail, stay in flight until <see cref="SyncOne"/>, and at a crash be lost, torn (a prefix lands,
/// which recovery finds by its checksum and cuts off, as SQLite's WAL does) or land unacknowledged.
/// Modelled on TigerBeetle's testing/storage.zig, at the granularity of whole commits.
/// </summary>
public sealed class SimulatedDisk(Random random)
{
    private const byte CommitRecord = 1;
    private const byte DeleteRecord = 2;
    private readonly Dictionary<string, Journal> _hosts = new(StringComparer.Ordinal);

    public DiskFaults Faults { get; set; } = DiskFaults.None;

    /// <summary>What went wrong so far, by fault kind (for the run's summary).</summary>
    public Dictionary<string, int> Injected { get; } = [];

    /// <summary>Events worth a line in the trace.</summary>
    public Action<string>? Note { get; set; }

    public int Pending => _hosts.Values.Sum(j => j.InFlight.Count);

    /// <summary>The store one incarnation of <paramref name="hostKey"/> writes through.</summary>
    public IAllocatorStore For(string hostKey) => new HostStore(this, hostKey);

    /// <summary>What a load would find, without recovering anything (for tests that look at the disk).</summary>
    public StoredState? Peek(string hostKey) => Replay(Host(hostKey), recover: false);

    /// <summary>Completes one write in flight, chosen by the seed; false when none is.</summary>
    public bool SyncOne()
    {
        var busy = _hosts.Where(h => h.Value.InFlight.Count > 0).Select(h => h.Key).Order(StringComparer.Ordinal).ToList();
        if (busy.Count == 0)
            return false;
        SyncOldest(busy[random.Next(busy.Count)]);
        return true;
    }

    /// <summary>Completes the oldest write in flight for one host; false when none is.</summary>
    public bool SyncOldest(string hostKey)
    {
        var journal = Host(hostKey);
        if (journal.InFlight.Count == 0)
            return false;
        var (frame, done) = journal.InFlight[0];
        journal.InFlight.RemoveAt(0);
        journal.Frames.Add(frame);
        // Completed as a device interrupt would be, outside the loop's context: .NET runs a ConfigureAwait(false)
        // continuation (the group commit's writer) inline only on a thread without one, else on the thread pool.
        var loop = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            done.SetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(loop);
        }
        return true;
    }

    /// <summary>
    /// The host's process died: the first write in flight is lost, torn or landed, as the seed says; any
    /// after it are lost; nobody is ever told. A disk that refused writes works again after the restart.
    /// </summary>
    public void Crash(string hostKey)
    {
        var journal = Host(hostKey);
        journal.Refusing = false;
        if (journal.InFlight.Count == 0)
            return;
        var (frame, _) = journal.InFlight[0];
        var roll = random.NextDouble();
        if (roll < Faults.TearAtCrash)
        {
            journal.Frames.Add(frame[..random.Next(1, frame.Length)]);
            Count("storage write torn at crash", $"disk: the write in flight for {hostKey} is torn");
        }
        else if (roll < Faults.TearAtCrash + Faults.LandAtCrash)
        {
            journal.Frames.Add(frame);
            Count("storage write landed unacknowledged at crash", $"disk: the write in flight for {hostKey} landed unacknowledged");
        }
        else
        {
            Count("storage batch lost at crash", $"disk: the write in flight for {hostKey} is lost");
        }
        journal.InFlight.Clear();
    }

    /// <summary>A host that deactivated after a failed write starts again with a working disk.</summary>
    public void Repair(string hostKey) => Host(hostKey).Refusing = false;

    private Journal Host(string hostKey)
    {
        if (!_hosts.TryGetValue(hostKey, out var journal))
            _hosts[hostKey] = journal = new Journal();
        return journal;
    }

    private Task Write(string hostKey, byte[] payload)
    {
        var journal = Host(hostKey);
        if (journal.Refusing)
            return Task.FromException(new IOException("simulated disk: refusing writes after a failed one"));
        if (Faults.FailWrite > 0 && random.NextDouble() < Faults.FailWrite)
        {
            journal.Refusing = true;
            Count("storage write failed", $"disk: a write for {hostKey} fails");
            return Task.FromException(new IOException("simulated disk: write failed"));
        }
        var frame = Frame(payload);
        if (!Faults.Latent)
        {
            journal.Frames.Add(frame);
            return Task.CompletedTask;
        }
        // Completed on the simulator's thread when synced, so its continuations run there too.
        var done = new TaskCompletionSource();
        journal.InFlight.Add((frame, done));
        return done.Task;
    }

    private void Count(string fault, string note)
    {
        Injected[fault] = Injected.GetValueOrDefault(fault) + 1;
        Note?.Invoke(note);
    }

    // ---- the bytes on the disk ----

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[4 + payload.Length + 8];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        SHA256.HashData(payload).AsSpan(0, 8).CopyTo(frame.AsSpan(4 + payload.Length));
        return frame;
    }

    private static bool TryUnframe(byte[] frame, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (frame.Length < 12)
            return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(frame);
        if (length < 0 || frame.Length != 4 + length + 8)
            return false;
        payload = frame.AsSpan(4, length);
        return SHA256.HashData(payload).AsSpan(0, 8).SequenceEqual(frame.AsSpan(4 + length));
    }

    private static byte[] Encode(StateChange change)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(CommitRecord);
            w.Write(change.ReplacesSnapshot);
            WriteKeyed(w, change.Parts);
            WriteKeyed(w, change.Rows);
        }
        return stream.ToArray();
    }

    private static void WriteKeyed(BinaryWriter w, IReadOnlyDictionary<string, byte[]?> records)
    {
        w.Write(records.Count);
        foreach (var (key, payload) in records.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(payload is not null);
            if (payload is not null)
            {
                w.Write(payload.Length);
                w.Write(payload);
            }
        }
    }

    private static void ReadKeyed(BinaryReader r, Dictionary<string, byte[]> into)
    {
        for (var n = r.ReadInt32(); n > 0; n--)
        {
            var key = r.ReadString();
            if (r.ReadBoolean())
                into[key] = r.ReadBytes(r.ReadInt32());
            else
                into.Remove(key);
        }
    }

    private static Dictionary<string, byte[]?> Nullable(IReadOnlyDictionary<string, byte[]> records) =>
        records.ToDictionary(r => r.Key, r => (byte[]?)r.Value, StringComparer.Ordinal);

    /// <summary>
    /// Recovery at start: replays the journal, cuts off a torn tail, and rewrites what is left as one
    /// checkpoint frame, so that the next load replays only what came after it.
    /// </summary>
    private StoredState? Load(Journal journal)
    {
        var state = Replay(journal, recover: true);
        journal.Frames.Clear();
        if (state is not null)
            journal.Frames.Add(Frame(Encode(new StateChange(Nullable(state.Parts), Nullable(state.Rows), ReplacesSnapshot: true))));
        return state;
    }

    /// <summary>Applies the journal in order; with <paramref name="recover"/>, a torn tail is cut off.</summary>
    private StoredState? Replay(Journal journal, bool recover)
    {
        Dictionary<string, byte[]>? parts = null;
        Dictionary<string, byte[]>? rows = null;
        for (var i = 0; i < journal.Frames.Count; i++)
        {
            if (!TryUnframe(journal.Frames[i], out var payload))
            {
                if (recover)
                {
                    journal.Frames.RemoveRange(i, journal.Frames.Count - i);
                    Count("storage torn write cut off at load", "disk: a torn write is found and cut off");
                }
                break;
            }
            using var r = new BinaryReader(new MemoryStream(payload.ToArray()));
            if (r.ReadByte() == DeleteRecord)
            {
                (parts, rows) = (null, null);
                continue;
            }
            parts ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
            rows ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
            if (r.ReadBoolean())
                parts.Clear();
            ReadKeyed(r, parts);
            ReadKeyed(r, rows);
        }
        return rows is null ? null : new StoredState(parts!, rows);
    }

    private sealed class Journal
    {
        public List<byte[]> Frames { get; } = [];

        public List<(byte[] Frame, TaskCompletionSource Done)> InFlight { get; } = [];

        public bool Refusing { get; set; }
    }

    private sealed class HostStore(SimulatedDisk disk, string key) : IAllocatorStore
    {
        public Task<StoredState?> LoadAsync(string hostKey, CancellationToken cancellationToken) =>
            Task.FromResult(disk.Load(disk.Host(Check(hostKey))));

        public Task CommitAsync(string hostKey, StateChange change, CancellationToken cancellationToken) =>
            disk.Write(Check(hostKey), Encode(change));

        public Task DeleteAsync(string hostKey, CancellationToken cancellationToken) =>
            disk.Write(Check(hostKey), [DeleteRecord]);

        private string Check(string hostKey) =>
            hostKey == key ? hostKey : throw new InvalidOperationException($"the store of {key} was asked about {hostKey}");
    }
}
