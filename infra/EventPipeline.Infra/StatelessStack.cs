using Amazon.CDK;
using Constructs;

namespace EventPipeline.Infra;

/// <summary>
/// Code and wiring on top of <see cref="StatefulStack"/>: functions, event source mappings, both APIs, the reminder
/// workflow and alarms. Safe to destroy and redeploy; it holds no data.
/// </summary>
internal sealed class StatelessStack : Stack
{
    public StatelessStack(Construct scope, string id, StatefulStack data, InfraSettings settings, IStackProps? props = null)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);

        Ingestion = new IngestionConstruct(this, "Ingestion", data, settings);
        WebSocket = new WebSocketApiConstruct(this, "WebSocketApi", data, settings);
        Publishing = new PublishingConstruct(this, "Publishing", data, WebSocket, settings);
        Reminders = new RemindersConstruct(this, "Reminders", data, settings);
        QueryApi = new QueryApiConstruct(this, "QueryApi", data, Reminders.Function, settings);
        EventBus = new BusConstruct(this, "EventBus", data, settings);
        Alarms = new AlarmsConstruct(
            this,
            "Alarms",
            streamConsumers: [Ingestion.Function, Publishing.Function, EventBus.Function],
            functions: [Ingestion.Function, Publishing.Function, WebSocket.Function, QueryApi.QueryFunction, QueryApi.WebhookFunction, Reminders.Function, EventBus.Function],
            data.DeadLetterQueue);
    }

    public IngestionConstruct Ingestion { get; }

    public WebSocketApiConstruct WebSocket { get; }

    public PublishingConstruct Publishing { get; }

    public RemindersConstruct Reminders { get; }

    public QueryApiConstruct QueryApi { get; }

    public BusConstruct EventBus { get; }

    public AlarmsConstruct Alarms { get; }
}
