using System.Buffers;
using System.Text;
using System.Text.Json;
using EventPipeline.Application.DeadLetters;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;

namespace EventPipeline.Application.Bus;

/// <summary>
/// Puts every applied change on the event bus as <c>aggregate.changed</c>, apart from the WebSocket path: it reads the
/// change log Publish wrote (the <c>tenant</c> channel's entries: each change exactly once, in order), so a bus outage
/// or throttling never delays or fails a push (ADR 0004). The detail carries the tenant, the channel and sequence the
/// push carried, the aggregate, and an idempotency id <c>{tenant}/tenant/{sequence}</c> that is the same on every
/// redelivery, so consumers can drop duplicates. A change the bus can never take is dead-lettered with the reason;
/// one it cannot take now is failed back to the mapping, which retries it.
/// </summary>
/// <param name="bus">The event bus.</param>
/// <param name="deadLetters">Where changes the bus can never take go.</param>
/// <param name="clock">Clock (dead-letter times).</param>
/// <param name="names">The events' <c>source</c> and <c>detail-type</c> and the function's name, from the topology.</param>
public sealed class ChangeBroadcast(IEventBusWriter bus, IDeadLetterSink deadLetters, TimeProvider clock, BusEventNames names)
{
    /// <summary>Processes one batch of change-log records, in stream order.</summary>
    public async Task<BusBatchResult> ProcessAsync(IReadOnlyList<LoggedChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var wanted = changes.Where(c => c.Channel == Channels.Tenant).ToList();
        var entries = new List<(LoggedChange Change, BusEntry Entry)>(wanted.Count);
        var letters = new List<DeadLetterEntry>();
        foreach (var change in wanted)
        {
            var entry = new BusEntry(names.Source, names.AggregateChanged, Detail(change));
            if (entry.Size > BusEntry.MaxBytes)
            {
                letters.Add(Letter(change, "detail", $"must be at most {BusEntry.MaxBytes} bytes (an EventBridge PutEvents entry; this one is {entry.Size})"));
            }
            else
            {
                entries.Add((change, entry));
            }
        }

        var results = entries.Count == 0 ? [] : await bus.PutAsync(entries.Select(e => e.Entry).ToList(), cancellationToken);
        var failed = new List<string>();
        var published = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var r = results[i];
            if (r.Accepted)
            {
                published++;
            }
            else if (r.Retryable)
            {
                failed.Add(entries[i].Change.RecordId);
            }
            else
            {
                letters.Add(Letter(entries[i].Change, "entry", $"refused by the bus: {r.ErrorCode}: {r.ErrorMessage}"));
            }
        }

        if (letters.Count > 0)
        {
            await deadLetters.SendAsync(letters, cancellationToken);
        }

        return new BusBatchResult(published, letters.Count, changes.Count - wanted.Count, failed);
    }

    /// <summary>The event's detail: tenant, channel, sequence, id, and the pushed aggregate as it was pushed.</summary>
    public static string Detail(LoggedChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var push = JsonDocument.Parse(change.Payload);
        var buffer = new ArrayBufferWriter<byte>(change.Payload.Length + 128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", $"{change.Tenant}/{change.Channel}/{change.Sequence}");
            w.WriteString("tenant", change.Tenant);
            w.WriteString("channel", change.Channel);
            w.WriteNumber("sequence", change.Sequence);
            w.WritePropertyName("aggregate");
            if (push.RootElement.TryGetProperty("data", out var data))
            {
                data.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private DeadLetterEntry Letter(LoggedChange change, string field, string rule) => new()
    {
        Id = $"bus/{change.Tenant}/{change.Channel}/{change.Sequence}",
        Category = "bus-rejected",
        Field = field,
        Rule = rule,
        Reason = $"{field}: {rule}",
        Function = names.Function,
        SequenceNumber = change.RecordId,
        PartitionKey = $"{change.Tenant}/{change.Channel}",
        Data = Encoding.UTF8.GetBytes(change.Payload),
        Tenant = change.Tenant,
        Source = names.Source,
        Attempts = 1,
        DeadLetteredAt = clock.GetUtcNow(),
    };
}
