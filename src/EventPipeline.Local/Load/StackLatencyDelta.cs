using System.Text.Json;
using EventPipeline.Local.Latency;

namespace EventPipeline.Local.Load;

/// <summary>
/// The stack's own stage latencies over one phase: <c>/metrics/latency?histograms=1</c> read before and after, and
/// each stage's histogram after minus before.
/// </summary>
public static class StackLatencyDelta
{
    /// <summary>The stack's latency snapshot, with histograms.</summary>
    public static async Task<LatencySnapshot> ReadAsync(HttpClient http, LocalEndpoints endpoints, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoints);
        var json = await http.GetStringAsync(new Uri(endpoints.RestUrl.TrimEnd('/') + "/metrics/latency?histograms=1"), ct);
        return JsonSerializer.Deserialize(json, LatencyJsonContext.Default.LatencySnapshot)
            ?? throw new InvalidOperationException("/metrics/latency answered null");
    }

    /// <summary>Each stage's summary of what was recorded between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static IReadOnlyDictionary<string, StageSummary> Between(LatencySnapshot before, LatencySnapshot after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var earlier = before.Stages.Where(s => s.Histogram is not null).ToDictionary(s => s.Name, s => StageHistogram.Decode(s.Histogram!), StringComparer.Ordinal);
        var result = new Dictionary<string, StageSummary>(StringComparer.Ordinal);
        foreach (var stage in after.Stages.Where(s => s.Histogram is not null))
        {
            result[stage.Name] = StageSummary.Of(StageHistogram.Between(earlier.GetValueOrDefault(stage.Name), StageHistogram.Decode(stage.Histogram!)));
        }

        return result;
    }
}
