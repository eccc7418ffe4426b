using System.Globalization;
using System.Text.Json;

namespace EventPipeline.Aws.Clients;

/// <summary>Reading AWS JSON responses: a missing required field is a malformed response, named in the error.</summary>
public static class JsonFields
{
    /// <summary>Epoch seconds as a JSON number (fractional allowed); some emulators send a numeric string.</summary>
    public static DateTimeOffset ReadEpochSeconds(JsonElement value)
    {
        var seconds = value.ValueKind == JsonValueKind.String
            ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : value.GetDouble();
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    public static JsonElement Required(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new AwsServiceException(200, "MalformedResponse", $"response field '{name}' is missing");

    public static string RequiredString(JsonElement obj, string name) =>
        Required(obj, name).GetString() ?? throw new AwsServiceException(200, "MalformedResponse", $"response field '{name}' is not a string");

    public static string? OptionalString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

}
