using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Application.Ingest;
using EventPipeline.Local.EventSources;
using EventPipeline.Application.Publish;

namespace EventPipeline.Local;

public sealed record PublishCounters(long Batches, long Changes, long Pushes, long GoneConnections, long FailedPosts);
