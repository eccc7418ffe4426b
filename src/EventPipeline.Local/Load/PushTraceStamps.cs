using System.Text.Json;

namespace EventPipeline.Local.Load;

/// <summary>The <c>trace</c> member of a push: the record's id and the pipeline's stamps (epoch milliseconds).</summary>
public sealed record PushTraceStamps(string Id, DateTimeOffset ArrivedAt, DateTimeOffset IngestAt, DateTimeOffset WriteAt, DateTimeOffset PublishAt, DateTimeOffset PostAt)
{
    /// <summary>The trace of a push, or null when it has none (a metric's push, or an untraced change).</summary>
    public static PushTraceStamps? Of(JsonElement push)
    {
        if (push.ValueKind != JsonValueKind.Object || !push.TryGetProperty("trace", out var t) || t.ValueKind != JsonValueKind.Object
            || !t.TryGetProperty("id", out var id) || id.GetString() is not { } traceId)
        {
            return null;
        }

        static DateTimeOffset At(JsonElement t, string name) =>
            t.TryGetProperty(name, out var v) && v.TryGetInt64(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.MinValue;

        return new PushTraceStamps(traceId, At(t, "arrivedAt"), At(t, "ingestAt"), At(t, "writeAt"), At(t, "publishAt"), At(t, "postAt"));
    }
}
