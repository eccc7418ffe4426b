using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.Jira;

/// <summary>
/// Jira Cloud / Data Center webhooks.
/// <list type="bullet">
/// <item>Dedup id: header <c>X-Atlassian-Webhook-Identifier</c> (the same value on retries of one delivery).</item>
/// <item>Event time: <c>timestamp</c> (epoch ms). Type: <c>webhookEvent</c> (e.g. <c>jira:issue_updated</c>).</item>
/// <item>Entity: <c>issue/{issue.id}</c>; events about other objects (project, sprint, version, board, worklog,
/// user) use that object's kind and <c>id</c>.</item>
/// <item>Attributes: issue key and the common fields (summary, status, priority, issue type, assignee).
/// Measures: none (issue fields are state).</item>
/// </list>
/// </summary>
public sealed class JiraAdapter : ISourceAdapter
{
    /// <summary>The source name.</summary>
    public const string SourceName = "jira";

    private const string IdentifierHeader = "X-Atlassian-Webhook-Identifier";

    private static readonly string[] OtherKinds = ["project", "sprint", "version", "board", "worklog", "user"];

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return ValueTask.FromResult(AdapterBoundary.Run(() => [Map(envelope)]));
    }

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        var eventId = envelope.Header(IdentifierHeader);
        if (string.IsNullOrWhiteSpace(eventId))
        {
            throw RejectionException.For("header:" + IdentifierHeader, "required");
        }

        using var doc = JsonPayload.Parse(envelope.Body);
        var root = JsonPayload.RequireObject(doc.RootElement, "");
        var type = JsonPayload.RequireString(root, "webhookEvent", "");
        var time = JsonPayload.RequireUnixMilliseconds(root, "timestamp", "");

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        EntityRef entity;
        if (JsonPayload.Optional(root, "issue") is { } issue)
        {
            JsonPayload.RequireObject(issue, "issue");
            entity = new EntityRef("issue", JsonPayload.RequireId(issue, "id", "issue"));
            CopyIssueFields(issue, attributes);
        }
        else
        {
            entity = OtherEntity(root) ?? throw RejectionException.For("issue.id", "required (or the id of the event's project, sprint, version, board, worklog or user)");
        }

        return new CanonicalEvent(tenant, SourceName, eventId.Trim(), type, time, entity, AdapterBoundary.NoMeasures, attributes);
    }

    private static EntityRef? OtherEntity(JsonElement root)
    {
        foreach (var kind in OtherKinds)
        {
            if (JsonPayload.Optional(root, kind) is { ValueKind: JsonValueKind.Object } obj)
            {
                // Users are identified by accountId in Jira Cloud, by key/name in Data Center.
                var idName = kind == "user" && JsonPayload.Optional(obj, "accountId") is not null ? "accountId" : "id";
                return new EntityRef(kind, JsonPayload.RequireId(obj, idName, kind));
            }
        }

        return null;
    }

    private static void CopyIssueFields(JsonElement issue, Dictionary<string, string> attributes)
    {
        if (JsonPayload.Optional(issue, "key") is { ValueKind: JsonValueKind.String } key)
        {
            attributes["key"] = key.GetString()!;
        }

        if (JsonPayload.Optional(issue, "fields") is not { ValueKind: JsonValueKind.Object } fields)
        {
            return;
        }

        if (JsonPayload.Optional(fields, "summary") is { ValueKind: JsonValueKind.String } summary)
        {
            attributes["summary"] = summary.GetString()!;
        }

        CopyName(fields, "status", "name", attributes);
        CopyName(fields, "priority", "name", attributes);
        CopyName(fields, "issuetype", "name", attributes);
        CopyName(fields, "assignee", "displayName", attributes);
    }

    private static void CopyName(JsonElement fields, string field, string nameProperty, Dictionary<string, string> attributes)
    {
        if (JsonPayload.Optional(fields, field) is { ValueKind: JsonValueKind.Object } obj &&
            JsonPayload.Optional(obj, nameProperty) is { ValueKind: JsonValueKind.String } name)
        {
            attributes[field] = name.GetString()!;
        }
    }
}
