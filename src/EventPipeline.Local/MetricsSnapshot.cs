using System.Text.Json;
using System.Text.Json.Serialization;
using EventPipeline.Application.Ingest;
using EventPipeline.Local.EventSources;
using EventPipeline.Application.Publish;

namespace EventPipeline.Local;

/// <summary>What <c>/metrics</c> shows; <paramref name="EmulatorRestarts"/> counts the watchdog's restarts by emulator.</summary>
public sealed record MetricsSnapshot(IngestCounters Ingest, PublishCounters Publish, StreamPollerMetricsSnapshot IngestMapping, StreamPollerMetricsSnapshot PublishMapping, int OpenConnections, IReadOnlyDictionary<string, int> EmulatorRestarts);

[JsonSerializable(typeof(LocalEndpoints))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(MetricsSnapshot))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(List<JsonElement>))]
[JsonSerializable(typeof(List<EventPipeline.Local.Cli.FunctionRecord>))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
