using System.Text.Json.Serialization;

namespace EventPipeline.Local.Latency;

/// <summary>JSON of <c>/metrics/latency</c> (source-generated, camelCase), also read by <c>load</c>.</summary>
[JsonSerializable(typeof(LatencySnapshot))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class LatencyJsonContext : JsonSerializerContext;
