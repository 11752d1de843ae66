using System.Numerics;

namespace WeaveOrleans.Ipam.Allocation.Holdings;

/// <summary>
/// A hash index from some key to entry numbers, as one array of longs (linear probing, no
/// tombstones): each slot holds an entry number and the key's hash, 8 bytes where a dictionary keeps
/// an entry, a key copy and a bucket. The hash in the slot lets a probe skip other keys without
/// touching their entries (a cache miss each), and lets slots move on removal and growth without
/// asking the owner. The owner holds the keys; lookups walk a <see cref="Probe"/> and compare them.
/// </summary>
internal sealed class SlotIndex
{
    // A slot is (hash << 32) | (entry + 1): zero (a fresh array) means empty.
    private long[] _slots = new long[16];
    private int _shift = 32 - 4;

    public int Count { get; private set; }

    public Probe Start(int hash) => new(_slots, Home(hash, _shift), hash);

    public void Add(int hash, int entry)
    {
        // At most 80 % full: 100,000 keys fit in 131,072 slots (1 MiB).
        if ((Count + 1) * 5L > _slots.Length * 4L)
            Grow();
        Place(_slots, _shift, Slot(hash, entry));
        Count++;
    }

    /// <summary>Removes the slot of <paramref name="entry"/> under <paramref name="hash"/>; false when there is none.</summary>
    public bool Remove(int hash, int entry)
    {
        var mask = _slots.Length - 1;
        var wanted = Slot(hash, entry);
        var i = Home(hash, _shift);
        while (_slots[i] != wanted)
        {
            if (_slots[i] == 0)
                return false;
            i = (i + 1) & mask;
        }
        // Backward shift: pull later slots of the run into the hole when their home allows it.
        var hole = i;
        for (var j = (i + 1) & mask; _slots[j] != 0; j = (j + 1) & mask)
        {
            var home = Home((int)(_slots[j] >> 32), _shift);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                _slots[hole] = _slots[j];
                hole = j;
            }
        }
        _slots[hole] = 0;
        Count--;
        return true;
    }

    public void Clear()
    {
        _slots = new long[16];
        _shift = 32 - 4;
        Count = 0;
    }

    private static long Slot(int hash, int entry) => ((long)hash << 32) | (uint)(entry + 1);

    private static int Home(int hash, int shift) => (int)(((uint)hash * 0x9E3779B9u) >> shift);

    private void Grow()
    {
        var slots = new long[_slots.Length * 2];
        var shift = 32 - BitOperations.Log2((uint)slots.Length);
        foreach (var slot in _slots)
            if (slot != 0)
                Place(slots, shift, slot);
        _slots = slots;
        _shift = shift;
    }

    private static void Place(long[] slots, int shift, long slot)
    {
        var mask = slots.Length - 1;
        var i = Home((int)(slot >> 32), shift);
        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = slot;
    }

    /// <summary>The entries stored under a hash, from its home slot up to the first empty one: the only candidates for a key with that hash.</summary>
    public ref struct Probe(long[] slots, int start, int hash)
    {
        private int _next = start;

        public int Current { get; private set; } = -1;

        public bool MoveNext()
        {
            var mask = slots.Length - 1;
            for (var slot = slots[_next]; slot != 0; slot = slots[_next])
            {
                _next = (_next + 1) & mask;
                if ((int)(slot >> 32) == hash)
                {
                    Current = (int)(uint)slot - 1;
                    return true;
                }
            }
            return false;
        }
    }
}
