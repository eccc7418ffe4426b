using System.Text.Json;
using EventPipeline.Application.Ports;

namespace EventPipeline.Aws.Clients;

/// <summary>
/// EventBridge over JSON 1.1 (<c>AWSEvents.*</c>, signing name <c>events</c>): <c>PutEvents</c>, and the few calls the
/// local stack deploys a bus with (<c>CreateEventBus</c>, <c>PutRule</c>, <c>PutTargets</c>, <c>CreateArchive</c>).
/// Hand-written because AWSSDK.EventBridge is not served here; the operations are documented in the EventBridge API
/// reference and the tests check requests and answers against it.
/// </summary>
public sealed class EventBridgeClient : IDisposable
{
    private readonly AwsJsonClient _client;

    /// <summary>Calls <see cref="AwsEndpoints.EventBridgeEndpoint"/>; share <paramref name="httpClient"/> between clients.</summary>
    public EventBridgeClient(AwsEndpoints endpoints, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _client = new AwsJsonClient(endpoints.EventBridgeEndpoint, "events", endpoints, httpClient, timeProvider);
    }

    /// <summary>
    /// <c>PutEvents</c> of at most 10 entries to <paramref name="busName"/>: one result per entry, in order (an entry
    /// the bus refused carries its <c>ErrorCode</c>; the call itself succeeded).
    /// </summary>
    public Task<IReadOnlyList<BusEntryResult>> PutEventsAsync(string busName, IReadOnlyList<BusEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entries.Count, 10);
        return _client.SendJsonAsync(AwsJsonClient.Json11, "AWSEvents.PutEvents", w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("Entries");
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("EventBusName", busName);
                w.WriteString("Source", e.Source);
                w.WriteString("DetailType", e.DetailType);
                w.WriteString("Detail", e.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, root => (IReadOnlyList<BusEntryResult>)ReadPutEvents(root, entries.Count), cancellationToken);
    }

    /// <summary><c>CreateEventBus</c>; an existing bus of that name is kept.</summary>
    public async Task CreateEventBusAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendJsonAsync(AwsJsonClient.Json11, "AWSEvents.CreateEventBus", w =>
            {
                w.WriteStartObject();
                w.WriteString("Name", name);
                w.WriteEndObject();
            }, _ => 0, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    /// <summary><c>PutRule</c>: an event pattern on <paramref name="busName"/> (created or replaced).</summary>
    public Task<string> PutRuleAsync(string busName, string name, string eventPattern, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(AwsJsonClient.Json11, "AWSEvents.PutRule", w =>
        {
            w.WriteStartObject();
            w.WriteString("Name", name);
            w.WriteString("EventBusName", busName);
            w.WriteString("EventPattern", eventPattern);
            w.WriteString("State", "ENABLED");
            w.WriteEndObject();
        }, root => JsonFields.RequiredString(root, "RuleArn"), cancellationToken);

    /// <summary><c>PutTargets</c>: one target (an SQS queue, an SNS topic, …) of a rule.</summary>
    public Task PutTargetAsync(string busName, string rule, string targetId, string targetArn, CancellationToken cancellationToken) =>
        _client.SendJsonAsync(AwsJsonClient.Json11, "AWSEvents.PutTargets", w =>
        {
            w.WriteStartObject();
            w.WriteString("Rule", rule);
            w.WriteString("EventBusName", busName);
            w.WriteStartArray("Targets");
            w.WriteStartObject();
            w.WriteString("Id", targetId);
            w.WriteString("Arn", targetArn);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }, root => root.TryGetProperty("FailedEntryCount", out var f) && f.GetInt32() > 0
            ? throw new AwsServiceException(400, "PutTargetsFailed", $"target {targetId} of rule {rule} was not added")
            : 0, cancellationToken);

    /// <summary><c>CreateArchive</c> of every event of the bus (<paramref name="retentionDays"/> 0: kept indefinitely); an existing one is kept.</summary>
    public async Task CreateArchiveAsync(string name, string busArn, int retentionDays, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendJsonAsync(AwsJsonClient.Json11, "AWSEvents.CreateArchive", w =>
            {
                w.WriteStartObject();
                w.WriteString("ArchiveName", name);
                w.WriteString("EventSourceArn", busArn);
                w.WriteNumber("RetentionDays", retentionDays);
                w.WriteEndObject();
            }, _ => 0, cancellationToken);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceAlreadyExistsException")
        {
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static List<BusEntryResult> ReadPutEvents(JsonElement root, int count)
    {
        var results = new List<BusEntryResult>(count);
        if (root.TryGetProperty("Entries", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in entries.EnumerateArray())
            {
                var code = JsonFields.OptionalString(e, "ErrorCode");
                results.Add(new BusEntryResult(
                    code is null ? JsonFields.OptionalString(e, "EventId") ?? "" : null,
                    code,
                    JsonFields.OptionalString(e, "ErrorMessage"),
                    code is "ThrottlingException" or "InternalFailure" or "InternalException" or "ServiceUnavailable"));
            }
        }

        if (results.Count != count)
        {
            throw new AwsServiceException(500, "InvalidResponse", $"PutEvents answered {results.Count} entries for {count}");
        }

        return results;
    }
}
