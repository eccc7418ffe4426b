using System.Globalization;
using System.Text.Json;

namespace EventPipeline.Domain.Aggregation;

/// <summary>The public JSON shape of aggregates (REST responses and WebSocket pushes).</summary>
public static class AggregateJson
{
    /// <summary>Writes <paramref name="state"/> (with its stored <paramref name="version"/>) as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, AggregateState state, long version)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(state);
        w.WriteStartObject();
        w.WriteString("kind", state.Key.Kind);
        w.WriteNumber("version", version);
        switch (state)
        {
            case EntityViewState e:
                w.WriteStartObject("entity");
                w.WriteString("kind", e.Entity.Kind);
                w.WriteString("id", e.Entity.Id);
                w.WriteEndObject();
                if (e.LastType is { } t)
                {
                    w.WriteString("type", t.Value);
                }

                w.WriteStartObject("attributes");
                foreach (var (name, v) in e.Attributes)
                {
                    w.WriteString(name, v.Value);
                }

                w.WriteEndObject();
                w.WriteNumber("eventCount", e.EventCount);
                Time(w, "firstEventAt", e.FirstEventAt);
                Time(w, "lastEventAt", e.LastEventAt);
                Strings(w, "sources", e.Sources);
                break;
            case WindowState win:
                w.WriteString("metric", win.WindowKey.Metric);
                w.WriteString("granularity", win.WindowKey.Granularity.Name());
                Time(w, "bucket", win.WindowKey.BucketStart);
                Stats(w, win.Stats);
                break;
            case TotalState tot:
                w.WriteString("metric", tot.Metric);
                Stats(w, tot.Stats);
                w.WriteStartObject("late");
                w.WriteNumber("minute", tot.Late[0]);
                w.WriteNumber("hour", tot.Late[1]);
                w.WriteNumber("day", tot.Late[2]);
                w.WriteEndObject();
                Time(w, "firstEventAt", tot.FirstEventAt);
                Time(w, "lastEventAt", tot.LastEventAt);
                break;
            case LateEventState le:
                w.WriteString("metric", le.LateKey.Metric);
                w.WriteString("source", le.LateKey.Source);
                w.WriteString("eventId", le.LateKey.EventId);
                Time(w, "occurredAt", le.OccurredAt);
                w.WriteNumber("value", le.Value);
                Strings(w, "missedWindows", le.MissedWindows);
                break;
        }

        w.WriteEndObject();
    }

    private static void Stats(Utf8JsonWriter w, MetricStats s)
    {
        w.WriteNumber("count", s.Count);
        w.WriteNumber("sum", s.Sum);
        if (s.Min is { } min)
        {
            w.WriteNumber("min", min);
        }

        if (s.Max is { } max)
        {
            w.WriteNumber("max", max);
        }
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } v)
        {
            w.WriteString(name, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
