using EventPipeline.Sources;

namespace EventPipeline.Application.Webhooks;

/// <summary>The webhook's size limit, derived from what must fit in one Kinesis record.</summary>
public static class WebhookLimits
{
    /// <summary>
    /// API Gateway HTTP APIs cap the request line plus header values at 10,240 bytes
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), so the URL and the headers
    /// the envelope keeps are bounded by it.
    /// </summary>
    public const int MaxRequestLineAndHeaderBytes = 10_240;

    /// <summary>
    /// Largest accepted body (after base64 decoding): 768,000 bytes, so that every body up to it fits one record in the
    /// worst case. A body the envelope cannot carry as a JSON string goes as base64, ⌈768,000/3⌉·4 = 1,024,000 bytes;
    /// the URL and the kept headers, each character escaped to at most 6 bytes only for control characters (which HTTP
    /// header values do not carry; '"' and '\' take 2), add at most 2 × 10,240; the envelope's names, tenant, source and
    /// timestamp under 512 more; the partition key at most 256 characters (1,024 bytes). 1,024,000 + 20,480 + 512 +
    /// 1,024 = 1,046,016 ≤ <see cref="IngestEnvelopeCodec.MaxRecordBytes"/> (1,048,576). A test writes that worst case.
    /// </summary>
    public const int MaxBodyBytes = 768_000;

    /// <summary>The most the partition key can take of a record (256 characters of up to 4 UTF-8 bytes).</summary>
    public const int MaxPartitionKeyBytes = 1_024;
}
