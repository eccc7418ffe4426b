using System.Globalization;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Application.Ports;
using EventPipeline.Application.Tracing;
using EventPipeline.Domain;
using EventPipeline.Domain.Aggregation;
using EventPipeline.Topology;

namespace EventPipeline.Aws.Aggregates;

/// <summary>
/// Maps stored items to DynamoDB items and back (ADR 0003). Item kinds: <c>entity</c> (a view, with the recent dedup
/// fingerprints <c>dd</c> and, when older ones moved to the dedup table, <c>ddu</c> until when they are kept),
/// <c>metric</c> (a metric's total and live windows packed in <c>win</c>, see <see cref="WindowPacking"/>; <c>evb</c>
/// where evictions reached per granularity, <c>arr</c> the latest arrival folded in), <c>window</c> (a window evicted
/// from its metric item, <c>evv</c> the metric version it was evicted at) and <c>late</c>. Storage-only attributes on
/// every written item: <c>version</c> (optimistic concurrency), <c>wm</c> (per-shard watermark) and <c>chg</c>
/// (sources of the latest write); on entity items <c>tr</c>, the <see cref="EventTrace"/> of the write's oldest new
/// event, which the stream record carries to Publish.
/// </summary>
public static class AggregateItemMapper
{
    public const string Version = "version";
    public const string Watermarks = "wm";
    public const string ChangedBy = "chg";
    public const string KindAttribute = "kind";

    /// <summary>Entity items: recent dedup fingerprints, 8 bytes each, oldest first.</summary>
    public const string DedupFingerprints = "dd";

    /// <summary>Entity items: epoch seconds until which the dedup table keeps older fingerprints.</summary>
    public const string DedupOverflowUntil = "ddu";

    /// <summary>Entity items: the write's <see cref="EventTrace"/> in its compact form.</summary>
    public const string Trace = "tr";

    /// <summary>Evicted window items: the metric item version that evicted them.</summary>
    public const string EvictedAtVersion = "evv";

    /// <summary>The storage attributes that exist only for duplicate detection (what the benchmark counts as dedup cost).</summary>
    public static IReadOnlyList<string> DedupAttributes { get; } = [DedupFingerprints, DedupOverflowUntil];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Item for a stored state, with storage attributes.</summary>
    public static Dictionary<string, AttributeValue> ToItem(StoredAggregate stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var item = ToItem(stored.State, stored.Version);
        item[Watermarks] = new AttributeValue { M = stored.Watermarks.ToDictionary(w => w.Key, w => S(w.Value), StringComparer.Ordinal) };
        if (stored.State.ChangedBy.Count > 0)
        {
            item[ChangedBy] = new AttributeValue { SS = [.. stored.State.ChangedBy] };
        }

        if (stored.DedupFingerprints.Count > 0)
        {
            var bytes = new byte[stored.DedupFingerprints.Count * 8];
            for (var i = 0; i < stored.DedupFingerprints.Count; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * 8), stored.DedupFingerprints[i]);
            }

            item[DedupFingerprints] = new AttributeValue { B = new MemoryStream(bytes) };
        }

        if (stored.DedupOverflowUntil is { } until)
        {
            item[DedupOverflowUntil] = N(until.ToUnixTimeSeconds());
        }

        if (stored.Trace is { } trace)
        {
            item[Trace] = S(trace.Encode());
        }

        return item;
    }

    /// <summary>The item of a window evicted from its metric item at <paramref name="metricVersion"/> (no watermarks: nothing folds into it).</summary>
    public static Dictionary<string, AttributeValue> ToEvictedItem(WindowState window, long metricVersion)
    {
        ArgumentNullException.ThrowIfNull(window);
        var item = ToItem(window, metricVersion);
        item[EvictedAtVersion] = N(metricVersion);
        return item;
    }

    private static Dictionary<string, AttributeValue> ToItem(AggregateState state, long version)
    {
        var key = state.Key;
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["pk"] = S(key.Pk),
            ["sk"] = S(key.Sk),
            [KindAttribute] = S(state is MetricState ? "metric" : key.Kind),
            [PipelineTopology.Tables.TenantKey] = S(key.Tenant),
            [Version] = N(version),
        };
        switch (state)
        {
            case EntityViewState e:
                item[PipelineTopology.Tables.EntityKindKey] = S(e.Entity.Kind);
                item["entityId"] = S(e.Entity.Id);
                item["count"] = N(e.EventCount);
                if (e.FirstEventAt is { } f)
                {
                    item["first"] = S(Time(f));
                }

                if (e.LastEventAt is { } l)
                {
                    item["last"] = S(Time(l));
                }

                if (e.Sources.Count > 0)
                {
                    item["sources"] = new AttributeValue { SS = [.. e.Sources] };
                }

                if (e.LastType is { } t)
                {
                    item["type"] = Stamped(t);
                }

                var attrs = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                foreach (var (name, v) in e.Attributes)
                {
                    attrs[name] = Stamped(v);
                }

                item["attrs"] = new AttributeValue { M = attrs };
                break;
            case WindowState w:
                item["metric"] = S(w.WindowKey.Metric);
                item["granularity"] = S(w.WindowKey.Granularity.Name());
                item["bucket"] = S(key.Sk);
                AddStats(item, w.Stats);
                break;
            case MetricState m:
                AddTotal(item, m.Total);
                if (m.Windows.Count > 0)
                {
                    item["win"] = new AttributeValue { B = new MemoryStream(WindowPacking.Pack(m.Windows.Values)) };
                }

                var evicted = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
                foreach (var g in Granularities.All)
                {
                    if (m.EvictedBefore(g) is { } before)
                    {
                        evicted[g.Name()] = N(before.ToUnixTimeSeconds());
                    }
                }

                if (evicted.Count > 0)
                {
                    item["evb"] = new AttributeValue { M = evicted };
                }

                if (m.LatestArrival is { } arrival)
                {
                    item["arr"] = N(arrival.ToUnixTimeMilliseconds());
                }

                break;
            case LateEventState le:
                item["metric"] = S(le.LateKey.Metric);
                item["source"] = S(le.LateKey.Source);
                item["eventId"] = S(le.LateKey.EventId);
                item["occurredAt"] = S(Time(le.OccurredAt));
                item["value"] = N(le.Value);
                if (le.MissedWindows.Count > 0)
                {
                    item["missed"] = new AttributeValue { SS = [.. le.MissedWindows] };
                }

                break;
        }

        return item;
    }

    /// <summary>State held by an item; null when the item is not an aggregate.</summary>
    public static AggregateState? FromItem(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var kind = Str(item, KindAttribute);
        var tenant = Str(item, PipelineTopology.Tables.TenantKey);
        if (kind is null || tenant is null)
        {
            return null;
        }

        switch (kind)
        {
            case "entity":
                {
                    var e = new EntityViewState(new EntityKey(tenant, new EntityRef(Str(item, PipelineTopology.Tables.EntityKindKey) ?? "", Str(item, "entityId") ?? "")))
                    {
                        EventCount = Long(item, "count"),
                        FirstEventAt = OptTime(item, "first"),
                        LastEventAt = OptTime(item, "last"),
                        LastType = item.TryGetValue("type", out var t) ? FromStamped(t) : null,
                    };
                    AddAll(e.Sources, item, "sources");
                    if (item.TryGetValue("attrs", out var attrs) && attrs.M is { } m)
                    {
                        foreach (var (name, v) in m)
                        {
                            e.Attributes[name] = FromStamped(v);
                        }
                    }

                    AddAll(e.ChangedBy, item, ChangedBy);
                    return e;
                }

            case "window":
                {
                    if (!Granularities.TryParse(Str(item, "granularity"), out var g))
                    {
                        return null;
                    }

                    var bucket = DateTimeOffset.Parse(Str(item, "bucket") ?? "", Inv, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                    var w = new WindowState(new WindowKey(tenant, Str(item, "metric") ?? "", g, bucket));
                    ReadStats(item, w.Stats);
                    AddAll(w.ChangedBy, item, ChangedBy);
                    return w;
                }

            case "metric":
                {
                    var metric = Str(item, "metric") ?? "";
                    var m = new MetricState(new TotalKey(tenant, metric))
                    {
                        LatestArrival = item.TryGetValue("arr", out var arr) && arr.N is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, Inv)) : null,
                    };
                    ReadTotal(item, m.Total);
                    if (item.TryGetValue("win", out var win) && win.B is { } packed)
                    {
                        foreach (var w in WindowPacking.Unpack(packed.ToArray(), tenant, metric))
                        {
                            m.Windows[w.WindowKey] = w;
                        }
                    }

                    if (item.TryGetValue("evb", out var evb) && evb.M is { } before)
                    {
                        foreach (var (name, v) in before)
                        {
                            if (Granularities.TryParse(name, out var g))
                            {
                                m.SetEvictedBefore(g, DateTimeOffset.FromUnixTimeSeconds(long.Parse(v.N, Inv)));
                            }
                        }
                    }

                    AddAll(m.ChangedBy, item, ChangedBy);
                    foreach (var a in m.Aggregates)
                    {
                        a.ChangedBy.UnionWith(m.ChangedBy);
                    }

                    return m;
                }

            case "late":
                {
                    var le = new LateEventState(new LateEventKey(tenant, Str(item, "metric") ?? "", Str(item, "source") ?? "", Str(item, "eventId") ?? ""))
                    {
                        OccurredAt = OptTime(item, "occurredAt") ?? default,
                        Value = Dec(item, "value") ?? 0,
                    };
                    AddAll(le.MissedWindows, item, "missed");
                    AddAll(le.ChangedBy, item, ChangedBy);
                    return le;
                }

            default:
                return null;
        }
    }

    /// <summary>The stored item an item holds (state, version, watermarks, dedup fingerprints); null when the item is not an aggregate.</summary>
    public static StoredAggregate? ToStored(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (FromItem(item) is not { } state)
        {
            return null;
        }

        var watermarks = item.TryGetValue(Watermarks, out var wm) && wm.M is { } m
            ? m.ToDictionary(w => w.Key, w => w.Value.S, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var fingerprints = new List<ulong>();
        if (item.TryGetValue(DedupFingerprints, out var dd) && dd.B is { } packed)
        {
            var bytes = packed.ToArray();
            for (var i = 0; i + 8 <= bytes.Length; i += 8)
            {
                fingerprints.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i)));
            }
        }

        return new StoredAggregate(state, VersionOf(item), watermarks)
        {
            DedupFingerprints = fingerprints,
            DedupOverflowUntil = item.TryGetValue(DedupOverflowUntil, out var ddu) && ddu.N is { } n ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(n, Inv)) : null,
            Trace = item.TryGetValue(Trace, out var tr) ? EventTrace.TryDecode(tr.S) : null,
        };
    }

    /// <summary>The public aggregates a stored item holds: a metric item's total and live windows, else the item's own aggregate.</summary>
    public static IEnumerable<AggregateState> AggregatesOf(AggregateState state) => state is MetricState m ? m.Aggregates : [state];

    /// <summary>The item's version (0 when absent).</summary>
    public static long VersionOf(IReadOnlyDictionary<string, AttributeValue>? item) => item is null ? 0 : Long(item, Version);

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", Inv);

    private static DateTimeOffset? OptTime(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        Str(item, name) is { } s ? DateTimeOffset.Parse(s, Inv, DateTimeStyles.RoundtripKind) : null;

    private static AttributeValue Stamped(StampedValue v) => new()
    {
        M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["v"] = S(v.Value),
            ["t"] = S(Time(v.Stamp.At)),
            ["s"] = S(v.Stamp.Source),
            ["e"] = S(v.Stamp.EventId),
        },
    };

    private static StampedValue FromStamped(AttributeValue a)
    {
        var m = a.M ?? [];
        return new StampedValue(
            Str(m, "v") ?? "",
            new Stamp(OptTime(m, "t") ?? default, Str(m, "s") ?? "", Str(m, "e") ?? ""));
    }

    private static void AddTotal(Dictionary<string, AttributeValue> item, TotalState tot)
    {
        item["metric"] = S(tot.Metric);
        AddStats(item, tot.Stats);
        item["lateMinute"] = N(tot.Late[0]);
        item["lateHour"] = N(tot.Late[1]);
        item["lateDay"] = N(tot.Late[2]);
        if (tot.FirstEventAt is { } tf)
        {
            item["first"] = S(Time(tf));
        }

        if (tot.LastEventAt is { } tl)
        {
            item["last"] = S(Time(tl));
        }
    }

    private static void ReadTotal(IReadOnlyDictionary<string, AttributeValue> item, TotalState t)
    {
        t.FirstEventAt = OptTime(item, "first");
        t.LastEventAt = OptTime(item, "last");
        ReadStats(item, t.Stats);
        t.Late[0] = Long(item, "lateMinute");
        t.Late[1] = Long(item, "lateHour");
        t.Late[2] = Long(item, "lateDay");
    }

    private static void AddStats(Dictionary<string, AttributeValue> item, MetricStats s)
    {
        item["count"] = N(s.Count);
        item["sum"] = N(s.Sum);
        if (s.Min is { } min)
        {
            item["min"] = N(min);
        }

        if (s.Max is { } max)
        {
            item["max"] = N(max);
        }
    }

    private static void ReadStats(IReadOnlyDictionary<string, AttributeValue> item, MetricStats s)
    {
        s.Count = Long(item, "count");
        s.Sum = Dec(item, "sum") ?? 0;
        s.Min = Dec(item, "min");
        s.Max = Dec(item, "max");
    }

    private static void AddAll(SortedSet<string> set, IReadOnlyDictionary<string, AttributeValue> item, string name)
    {
        if (item.TryGetValue(name, out var v) && v.SS is { } ss)
        {
            foreach (var s in ss)
            {
                set.Add(s);
            }
        }
    }

    private static AttributeValue S(string s) => new() { S = s };

    private static AttributeValue N(long n) => new() { N = n.ToString(Inv) };

    private static AttributeValue N(decimal n) => new() { N = n.ToString(Inv) };

    private static string? Str(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) ? v.S : null;

    private static long Long(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? long.Parse(n, NumberStyles.Integer, Inv) : 0;

    private static decimal? Dec(IReadOnlyDictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var v) && v.N is { } n ? decimal.Parse(n, NumberStyles.Float, Inv) : null;
}
