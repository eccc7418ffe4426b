using System.Text;

namespace EventPipeline.Application.Ports;

/// <summary>One event for the bus: EventBridge's <c>Source</c>, <c>DetailType</c> and <c>Detail</c> (a JSON object).</summary>
public sealed record BusEntry(string Source, string DetailType, string Detail)
{
    /// <summary>
    /// Largest entry EventBridge accepts: 1 MiB since January 2026 (256 KB before), counted as the UTF-8 bytes of Source,
    /// DetailType and Detail (plus 14 for Time and each Resource, neither used here):
    /// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>This entry's size by EventBridge's rule.</summary>
    public int Size => Encoding.UTF8.GetByteCount(Source) + Encoding.UTF8.GetByteCount(DetailType) + Encoding.UTF8.GetByteCount(Detail);
}
