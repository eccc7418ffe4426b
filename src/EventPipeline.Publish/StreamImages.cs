using Amazon.DynamoDBv2.Model;
using LambdaAttribute = EventPipeline.Lambda.Events.DynamoDBEvent.AttributeValue;

namespace EventPipeline.Publish;

/// <summary>Converts DynamoDB Streams images (Lambda event JSON) to SDK attribute values, so one mapper reads both.</summary>
public static class StreamImages
{
    /// <summary>The image as an SDK item.</summary>
    public static Dictionary<string, AttributeValue> ToItem(IReadOnlyDictionary<string, LambdaAttribute> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var item = new Dictionary<string, AttributeValue>(image.Count, StringComparer.Ordinal);
        foreach (var (k, v) in image)
        {
            item[k] = Convert(v);
        }

        return item;
    }

    /// <summary>One attribute value.</summary>
    public static AttributeValue Convert(LambdaAttribute v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.S is not null)
        {
            return new AttributeValue { S = v.S };
        }

        if (v.N is not null)
        {
            return new AttributeValue { N = v.N };
        }

        if (v.BOOL is { } b)
        {
            return new AttributeValue { BOOL = b };
        }

        if (v.NULL is true)
        {
            return new AttributeValue { NULL = true };
        }

        if (v.SS is not null)
        {
            return new AttributeValue { SS = [.. v.SS] };
        }

        if (v.NS is not null)
        {
            return new AttributeValue { NS = [.. v.NS] };
        }

        if (v.M is not null)
        {
            return new AttributeValue { M = ToItem(v.M) };
        }

        if (v.L is not null)
        {
            return new AttributeValue { L = v.L.Select(Convert).ToList() };
        }

        if (v.B is not null)
        {
            return new AttributeValue { B = new MemoryStream(v.B) };
        }

        if (v.BS is not null)
        {
            return new AttributeValue { BS = v.BS.Select(b => new MemoryStream(b)).ToList() };
        }

        return new AttributeValue { NULL = true };
    }
}
