using EventPipeline.Application.Ingest;
using EventPipeline.Application.Publish;
using EventPipeline.Local.EventSources;

namespace EventPipeline.Local.Latency;

/// <summary>
/// The stage times the local stack sees: each Ingest batch's stages, each traced push's stages (what Publish posted),
/// and the two mappings' visibility and batching waits (kept by their <see cref="StreamPollerMetrics"/>).
/// </summary>
public sealed class LocalLatency
{
    private readonly Dictionary<string, StageHistogram> _stages;

    /// <summary>Stage histograms whose recent window follows <paramref name="clock"/>.</summary>
    public LocalLatency(TimeProvider? clock = null)
    {
        _stages = new[]
        {
            PipelineStages.StreamToIngest, PipelineStages.IngestAdapt, PipelineStages.IngestRead, PipelineStages.IngestDedup,
            PipelineStages.IngestWrite, PipelineStages.Ingest, PipelineStages.WriteToPublish, PipelineStages.Publish,
            PipelineStages.Post, PipelineStages.ArrivalToPost,
        }.ToDictionary(s => s.Name, _ => new StageHistogram(clock), StringComparer.Ordinal);
    }

    /// <summary>The histogram of a stage the functions report.</summary>
    public StageHistogram Stage(PipelineStage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return _stages[stage.Name];
    }

    internal void OnIngest(IngestBatchResult r)
    {
        if (r.Records == 0)
        {
            return;
        }

        Stage(PipelineStages.IngestAdapt).Record(r.Stages.Adapt);
        Stage(PipelineStages.IngestRead).Record(r.Stages.Read);
        Stage(PipelineStages.IngestDedup).Record(r.Stages.Dedup);
        Stage(PipelineStages.IngestWrite).Record(r.Stages.Write);
    }

    internal void OnPublish(PublishBatchResult r)
    {
        foreach (var t in r.Timings)
        {
            Stage(PipelineStages.StreamToIngest).Record(t.StreamToIngest);
            Stage(PipelineStages.Ingest).Record(t.Ingest);
            Stage(PipelineStages.WriteToPublish).Record(t.WriteToPublish);
            Stage(PipelineStages.Publish).Record(t.Publish);
            Stage(PipelineStages.Post).Record(t.PostDuration);
            Stage(PipelineStages.ArrivalToPost).Record(t.ArrivalToPosted);
        }
    }

    /// <summary>How the mappings read, and every stage in pipeline order (with its histogram when <paramref name="withHistograms"/>).</summary>
    public LatencySnapshot Snapshot(
        MappingDescription? ingest, MappingDescription? publish, StreamPollerMetrics? ingestMapping, StreamPollerMetrics? publishMapping, bool withHistograms)
    {
        var stages = new List<StageLatency>(PipelineStages.All.Count);
        foreach (var stage in PipelineStages.All)
        {
            var histogram = stage == PipelineStages.KinesisVisible ? ingestMapping?.Visible
                : stage == PipelineStages.KinesisBatching ? ingestMapping?.BatchingWait
                : stage == PipelineStages.StreamVisible ? publishMapping?.Visible
                : stage == PipelineStages.StreamBatching ? publishMapping?.BatchingWait
                : _stages[stage.Name];
            if (histogram is null)
            {
                continue;
            }

            stages.Add(new StageLatency(stage.Name, stage.Description, stage.ObservedBy, histogram.Recent(), histogram.Total(), withHistograms ? histogram.EncodeTotal() : null));
        }

        return new LatencySnapshot(ingest?.Source == "consumer" ? "low" : "default", ingest, publish, stages);
    }
}
