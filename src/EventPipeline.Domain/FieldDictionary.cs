using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace EventPipeline.Domain;

/// <summary>
/// One event's attributes or measures: a few string-keyed fields, in the order they were first set, a later
/// <see cref="Set"/> of the same name (ordinal) replacing the value in place. What <see cref="Dictionary{TKey,TValue}"/>
/// gives, in one object and one array: an adapter makes one or two of these per event, and a dictionary's hash table was
/// a sixth of the fold's allocated bytes (measured, <c>throughput</c>). Lookups scan the fields while there are few
/// (an event has four to seven); past <see cref="IndexedFrom"/> a name → position index keeps them constant time, so a
/// payload with many fields cannot make building its event quadratic.
/// </summary>
/// <typeparam name="TValue">The field value: <see cref="string"/> for attributes, <see cref="decimal"/> for measures.</typeparam>
public sealed class FieldDictionary<TValue> : IReadOnlyDictionary<string, TValue>
{
    /// <summary>Field count from which lookups go through an index instead of a scan.</summary>
    public const int IndexedFrom = 16;

    /// <summary>The map with no fields, shared by events that carry none; it cannot be set.</summary>
    public static readonly FieldDictionary<TValue> Empty = new(0);

    private readonly StringComparer? comparer;
    private KeyValuePair<string, TValue>[] entries;
    private Dictionary<string, int>? index;

    /// <summary>An empty map with room for <paramref name="capacity"/> fields before it grows; names compare ordinally.</summary>
    public FieldDictionary(int capacity = 4) => entries = capacity > 0 ? new KeyValuePair<string, TValue>[capacity] : [];

    /// <summary>An empty map whose names compare by <paramref name="comparer"/> (headers: <see cref="StringComparer.OrdinalIgnoreCase"/>).</summary>
    public FieldDictionary(int capacity, StringComparer comparer)
        : this(capacity)
    {
        ArgumentNullException.ThrowIfNull(comparer);
        this.comparer = comparer;
    }

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <summary>Makes room for <paramref name="capacity"/> fields in all, so adding that many allocates once.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > entries.Length && !ReferenceEquals(this, Empty))
        {
            Array.Resize(ref entries, capacity);
        }
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>: replaced in place when present, else added last.</summary>
    public void Set(string name, TValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ReferenceEquals(this, Empty))
        {
            throw new InvalidOperationException("the shared empty field dictionary cannot be set");
        }

        var at = IndexOf(name);
        if (at >= 0)
        {
            // The first spelling stays, as a dictionary's indexer keeps its key.
            entries[at] = new KeyValuePair<string, TValue>(entries[at].Key, value);
            return;
        }

        if (Count == entries.Length)
        {
            Array.Resize(ref entries, Math.Max(4, entries.Length * 2));
        }

        entries[Count] = new KeyValuePair<string, TValue>(name, value);
        index?.Add(name, Count);
        Count++;
        if (index is null && Count == IndexedFrom)
        {
            index = new Dictionary<string, int>(IndexedFrom * 2, comparer ?? StringComparer.Ordinal);
            for (var i = 0; i < Count; i++)
            {
                index.Add(entries[i].Key, i);
            }
        }
    }

    /// <inheritdoc />
    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no field '{key}'");

    /// <inheritdoc />
    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return entries[i].Key;
            }
        }
    }

    /// <inheritdoc />
    public IEnumerable<TValue> Values
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return entries[i].Value;
            }
        }
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var at = IndexOf(key);
        if (at < 0)
        {
            value = default;
            return false;
        }

        value = entries[at].Value;
        return true;
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (index is not null)
        {
            return index.TryGetValue(key, out var at) ? at : -1;
        }

        for (var i = 0; i < Count; i++)
        {
            if (comparer is null ? string.Equals(entries[i].Key, key, StringComparison.Ordinal) : comparer.Equals(entries[i].Key, key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The fields in the order they were first set; a struct, so a <c>foreach</c> over the map allocates nothing.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, TValue>> IEnumerable<KeyValuePair<string, TValue>>.GetEnumerator() => Enumerate().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Enumerate().GetEnumerator();

    private IEnumerable<KeyValuePair<string, TValue>> Enumerate()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return entries[i];
        }
    }

    /// <summary>Walks the fields in order.</summary>
    public struct Enumerator
    {
        private readonly FieldDictionary<TValue> map;
        private int next;

        internal Enumerator(FieldDictionary<TValue> map) => this.map = map;

        /// <summary>The field the enumerator is at.</summary>
        public readonly KeyValuePair<string, TValue> Current => map.entries[next - 1];

        /// <summary>Moves to the next field; false past the last.</summary>
        public bool MoveNext() => ++next <= map.Count;
    }
}
