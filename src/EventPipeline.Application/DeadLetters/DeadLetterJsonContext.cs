using System.Text.Json.Serialization;

namespace EventPipeline.Application.DeadLetters;

/// <summary>Source-generated JSON of dead letters: the SQS message body in AWS, the CLI's <c>dlq list --json</c>.</summary>
[JsonSerializable(typeof(DeadLetterEntry))]
[JsonSerializable(typeof(List<DeadLetterEntry>))]
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
public sealed partial class DeadLetterJsonContext : JsonSerializerContext;
