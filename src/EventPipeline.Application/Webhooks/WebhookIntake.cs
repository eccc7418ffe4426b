using System.Security.Cryptography;
using System.Text;
using EventPipeline.Application.Ports;
using EventPipeline.Domain;
using EventPipeline.Sources;

namespace EventPipeline.Application.Webhooks;

/// <summary>
/// Accepts a provider's webhook delivery: the source's signature is checked on the raw bytes first (constant time,
/// every active secret), then the body goes through the same adapter and event checks Ingest applies, so a 202 means
/// Ingest will apply it; the exact body and the relevant headers are wrapped in the ingest envelope and put on the
/// stream with partition key <c>{tenant}:{entity}</c>, so one entity's events stay in order on one shard.
/// </summary>
/// <param name="secrets">Each tenant's active secrets per source.</param>
/// <param name="stream">The events stream.</param>
/// <param name="clock">Clock (replay windows, receipt time).</param>
public sealed class WebhookIntake(IWebhookSecrets secrets, IEventStreamWriter stream, TimeProvider clock)
{
    private const int MaxPartitionKeyLength = 256;

    /// <summary>Verifies, checks and puts one delivery on the stream.</summary>
    public async Task<WebhookOutcome> AcceptAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var source = delivery.Source;
        IReadOnlyList<string> active;
        try
        {
            active = await secrets.GetAsync(delivery.Tenant, source.Name, cancellationToken);
        }
        catch (WebhookSecretsUnavailableException ex)
        {
            return WebhookOutcome.Refused(WebhookVerdict.Unavailable, "secrets", "the secret store is unavailable; retry later", ex);
        }

        if (active.Count == 0)
        {
            return WebhookOutcome.Refused(WebhookVerdict.Unauthorized, "signature", "no webhook secret configured");
        }

        var now = clock.GetUtcNow();
        var auth = source.Authenticator.Verify(new WebhookRequest("POST", delivery.Url, delivery.Headers, delivery.Body), active, now);
        if (!auth.Ok)
        {
            return WebhookOutcome.Refused(WebhookVerdict.Unauthorized, "signature", auth.Reason ?? "not authentic");
        }

        if (!System.Text.Unicode.Utf8.IsValid(delivery.Body))
        {
            return WebhookOutcome.Refused(WebhookVerdict.Rejected, "body", "must be UTF-8 text");
        }

        // The body's own bytes: adapters parse UTF-8 and the envelope embeds or escapes them, so no string is made.
        var envelope = IngestEnvelope.OfUtf8(delivery.Tenant, source.Name, now, WebhookHeaders.ForEnvelope(delivery.Headers, active), delivery.Body) with { Url = delivery.Url };
        IReadOnlyList<CanonicalEvent> events = [];
        Exception? deferredBy = null;
        try
        {
            switch (await source.Adapter.AdaptAsync(envelope, cancellationToken))
            {
                case AdapterResult.Rejected rejected:
                    return WebhookOutcome.Refused(WebhookVerdict.Rejected, rejected.Reason.Field, rejected.Reason.Rule);
                case AdapterResult.Accepted accepted:
                    events = accepted.Events;
                    break;
            }
        }
        catch (TransientSourceException ex)
        {
            // Enrichment (Graph) is down: the notice is authentic, so accept it; Ingest fetches again (and dead-letters it as
            // source-unavailable, for a redrive, if Graph is still down).
            deferredBy = ex;
        }

        if (EventAcceptance.Check(events, delivery.Tenant) is { } invalid)
        {
            return WebhookOutcome.Refused(WebhookVerdict.Rejected, invalid.Field, invalid.Rule);
        }

        var ids = events.Select(e => e.EventId).ToList();
        var partitionKey = PartitionKey(delivery.Tenant, source.Name, events);
        var room = IngestEnvelopeCodec.MaxRecordBytes - Encoding.UTF8.GetByteCount(partitionKey);
        var record = IngestEnvelopeCodec.Encode(envelope, room);
        if (record.Length > room)
        {
            // Only headers beyond API Gateway's own limit can get here (WebhookLimits.MaxBodyBytes keeps every body in).
            return WebhookOutcome.Refused(WebhookVerdict.TooLarge, "headers", $"the body with the kept headers must fit one {IngestEnvelopeCodec.MaxRecordBytes}-byte Kinesis record");
        }

        try
        {
            await stream.PutAsync(partitionKey, record, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return WebhookOutcome.Refused(WebhookVerdict.Unavailable, "stream", "the event stream is unavailable; retry later", ex) with { EventIds = ids };
        }

        return new WebhookOutcome
        {
            Verdict = WebhookVerdict.Accepted,
            EventIds = ids,
            PartitionKey = partitionKey,
            EnrichmentDeferred = deferredBy is not null,
            Cause = deferredBy,
        };
    }

    /// <summary>
    /// The stream's partition key: one entity's events stay in order on one shard while different entities spread;
    /// payloads without events (deferred enrichment) fall back to the tenant's source. Kinesis allows 256 characters,
    /// so a longer key hashes the entity part (still stable per entity).
    /// </summary>
    public static string PartitionKey(string tenant, string source, IReadOnlyList<CanonicalEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return $"{tenant}:{source}";
        }

        var entity = events[0].Entity;
        var key = $"{tenant}:{entity.Kind}/{entity.Id}";
        if (key.Length <= MaxPartitionKeyLength)
        {
            return key;
        }

        return $"{tenant}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{entity.Kind}/{entity.Id}")))}";
    }
}
