using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPipeline.Lambda.Events;

/// <summary>
/// Reads a string property whose value repeats from record to record of one event (event source, region, stream ARN,
/// schema version, partition key) as one shared instance while the value stays the same: a 6 MB Kinesis batch of
/// 8,000 records otherwise holds 8,000 copies of each, about 3 MB of the function's peak memory. The value read is
/// exactly the one a plain string property would hold.
/// </summary>
public sealed class RepeatedStringConverter : JsonConverter<string>
{
    // The last value read by this property's converter. Deserializations on other threads may replace it; a lost
    // update only costs one more allocation, never a wrong value (it is compared before it is reused).
    private string? _last;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected a string, got {reader.TokenType}");
        }

        var last = Volatile.Read(ref _last);
        if (last is not null && reader.ValueTextEquals(last))
        {
            return last;
        }

        var value = reader.GetString()!;
        Volatile.Write(ref _last, value);
        return value;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
