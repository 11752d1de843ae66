namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// The ident table's keys, back to back in pages small enough to stay off the large object heap, so
/// that holding 100,000 idents costs their bytes and no object (header, length, reference) each.
/// A key is addressed by a handle (page and offset) and its length. Removed keys leave holes that
/// <see cref="NeedsCompaction"/> reports once they outweigh the live ones.
/// </summary>
internal sealed class KeyArena
{
    private const int PageBits = 17;
    private const int PageSize = 1 << PageBits;

    private readonly List<byte[]> _pages = [];
    private int _used = PageSize;

    public long LiveBytes { get; private set; }

    public long FreedBytes { get; private set; }

    public bool NeedsCompaction => FreedBytes > PageSize && FreedBytes > LiveBytes;

    public int Add(ReadOnlySpan<byte> key)
    {
        if (key.Length == 0)
            return 0;
        if (key.Length > PageSize)
        {
            // A key bigger than a page gets a page of its own; the next key starts a fresh one.
            _pages.Add(key.ToArray());
            _used = PageSize;
            LiveBytes += key.Length;
            return Handle(_pages.Count - 1, 0);
        }
        if (_used + key.Length > PageSize)
        {
            _pages.Add(new byte[PageSize]);
            _used = 0;
        }
        var handle = Handle(_pages.Count - 1, _used);
        key.CopyTo(_pages[^1].AsSpan(_used));
        _used += key.Length;
        LiveBytes += key.Length;
        return handle;
    }

    public ReadOnlySpan<byte> Get(int handle, int length) =>
        length == 0 ? [] : _pages[handle >>> PageBits].AsSpan(handle & (PageSize - 1), length);

    /// <summary>The key's bytes are no longer needed; they stay in place until the arena is rebuilt.</summary>
    public void Remove(int length)
    {
        LiveBytes -= length;
        FreedBytes += length;
    }

    private static int Handle(int page, int offset) =>
        page < (1 << (31 - PageBits)) ? (page << PageBits) | offset : throw new InvalidOperationException("too many ident bytes");
}
