using System.Text.Json;
using Amazon.SQS.Model;
using EventPipeline.Aws;

namespace EventPipeline.Local.Bus;

/// <summary>
/// Consumers of the local event bus, added without touching the pipeline: a rule with an event pattern whose target
/// is an SQS queue (on moto, which delivers matching events to it), and reading what a queue received. The CLI's
/// <c>bus</c> verb and the tests use it; in AWS the same is a rule in the CDK app's <c>busRules</c> context.
/// </summary>
public sealed class BusConsumers(AwsClients admin, string busName, string region, string accountId)
{
    /// <summary>Creates (or updates) rule <paramref name="name"/> with <paramref name="eventPattern"/> and a queue of the same name as its target; returns the queue's URL.</summary>
    public async Task<string> AddQueueRuleAsync(string name, string eventPattern, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            using var _ = JsonDocument.Parse(eventPattern);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"pattern: must be a JSON event pattern ({ex.Message})", nameof(eventPattern), ex);
        }

        var url = (await admin.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name }, cancellationToken)).QueueUrl;
        await admin.EventBridge.PutRuleAsync(busName, name, eventPattern, cancellationToken);
        await admin.EventBridge.PutTargetAsync(busName, name, "queue", $"arn:aws:sqs:{region}:{accountId}:{name}", cancellationToken);
        return url;
    }

    /// <summary>
    /// Up to <paramref name="max"/> events the queue <paramref name="queueName"/> received, oldest first, each the
    /// EventBridge event JSON; with <paramref name="consume"/> they are deleted once read.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> ReadAsync(string queueName, int max, bool consume, CancellationToken cancellationToken)
    {
        var url = (await admin.Sqs.GetQueueUrlAsync(queueName, cancellationToken)).QueueUrl;
        var events = new List<JsonElement>();
        while (events.Count < max)
        {
            var response = await admin.Sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = Math.Min(10, max - events.Count), VisibilityTimeout = consume ? 30 : 0, WaitTimeSeconds = 0 },
                cancellationToken);
            if (response.Messages is not { Count: > 0 } messages)
            {
                break;
            }

            foreach (var m in messages)
            {
                using var doc = JsonDocument.Parse(m.Body);
                events.Add(doc.RootElement.Clone());
                if (consume)
                {
                    await admin.Sqs.DeleteMessageAsync(url, m.ReceiptHandle, cancellationToken);
                }
            }

            if (!consume)
            {
                break; // visible again at once: reading more would see the same messages
            }
        }

        return events;
    }
}
