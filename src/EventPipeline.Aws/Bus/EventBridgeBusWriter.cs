using EventPipeline.Application.Ports;
using EventPipeline.Aws.Clients;

namespace EventPipeline.Aws.Bus;

/// <summary>
/// <see cref="IEventBusWriter"/> over EventBridge <c>PutEvents</c>: calls of at most 10 entries and at most
/// <see cref="MaxRequestBytes"/> together; the entries a call reports failed with a retryable code (throttling, internal
/// errors) are put again with exponential backoff and full jitter, up to <see cref="Attempts"/> times. The call itself
/// is retried by the signed client (5xx, throttling, transport); when the bus stays unreachable every entry of the call
/// comes back retryable, so the caller fails those records back to the mapping instead of losing them.
/// </summary>
public sealed class EventBridgeBusWriter(EventBridgeClient client, string busName, TimeProvider? clock = null) : IEventBusWriter
{
    /// <summary>Entries per PutEvents call (EventBridge's limit).</summary>
    public const int MaxEntriesPerCall = 10;

    /// <summary>A call's entries together (each at most <see cref="BusEntry.MaxBytes"/>): one entry's limit.</summary>
    public const int MaxRequestBytes = BusEntry.MaxBytes;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Attempts per entry the bus throttles or fails internally.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>First backoff; doubled per attempt, with full jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public async Task<IReadOnlyList<BusEntryResult>> PutAsync(IReadOnlyList<BusEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var results = new BusEntryResult[entries.Count];
        var pending = Enumerable.Range(0, entries.Count).ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var again = new List<int>();
            foreach (var call in Calls(entries, pending))
            {
                IReadOnlyList<BusEntryResult> answered;
                try
                {
                    answered = await client.PutEventsAsync(busName, call.Select(i => entries[i]).ToList(), cancellationToken);
                }
                catch (Exception ex) when (ex is AwsServiceException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    var retryable = ex is HttpRequestException || ((AwsServiceException)ex).IsRetryable;
                    var code = ex is AwsServiceException aws ? aws.ErrorCode : "Unreachable";
                    answered = call.Select(_ => new BusEntryResult(null, code, ex.Message, retryable)).ToList();
                }

                for (var k = 0; k < call.Count; k++)
                {
                    results[call[k]] = answered[k];
                    if (!answered[k].Accepted && answered[k].Retryable)
                    {
                        again.Add(call[k]);
                    }
                }
            }

            if (again.Count == 0 || attempt >= Attempts)
            {
                break;
            }

            pending = again;
            var ceiling = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling), _clock, cancellationToken);
        }

        return results;
    }

    /// <summary>The pending entries grouped into calls within the count and size limits, in order.</summary>
    private static IEnumerable<List<int>> Calls(IReadOnlyList<BusEntry> entries, List<int> pending)
    {
        var call = new List<int>();
        var bytes = 0;
        foreach (var i in pending)
        {
            var size = entries[i].Size;
            if (call.Count == MaxEntriesPerCall || (call.Count > 0 && bytes + size > MaxRequestBytes))
            {
                yield return call;
                call = [];
                bytes = 0;
            }

            call.Add(i);
            bytes += size;
        }

        if (call.Count > 0)
        {
            yield return call;
        }
    }
}
