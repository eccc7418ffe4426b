using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Application.Ingest;
using EventPipeline.Local.EventSources;
using EventPipeline.Application.Publish;

namespace EventPipeline.Local;

public sealed record IngestCounters(long Batches, long Records, long Applied, long Duplicates, long Late, long DeadLettered, long ItemWrites, long DedupWriteRequests, IReadOnlyDictionary<string, long> DeadLettersByCategory);
