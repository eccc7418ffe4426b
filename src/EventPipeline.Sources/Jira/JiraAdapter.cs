using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

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
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "jira";

    private const string IdentifierHeader = "X-Atlassian-Webhook-Identifier";

    private static readonly string[] OtherKinds = ["project", "sprint", "version", "board", "worklog", "user"];

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var tenant = AdapterBoundary.RequireTenant(envelope);
        var eventId = AdapterBoundary.RequiredHeader(envelope, IdentifierHeader);
        using var doc = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(doc);
        var type = JsonFields.String(root, "", "webhookEvent");
        var time = JsonFields.UnixMilliseconds(root, "", "timestamp");

        var attributes = new FieldDictionary<string>();
        EntityRef entity;
        if (JsonFields.OptionalObject(root, "", "issue") is { } issue)
        {
            entity = new EntityRef("issue", JsonFields.Id(issue, "issue", "id"));
            CopyIssueFields(issue, attributes);
        }
        else
        {
            entity = OtherEntity(root) ?? throw RejectionException.For("issue.id", "required (or the id of the event's project, sprint, version, board, worklog or user)");
        }

        return new CanonicalEvent(tenant, SourceName, eventId, type, time, entity, AdapterBoundary.NoMeasures, attributes);
    }

    private static EntityRef? OtherEntity(JsonElement root)
    {
        foreach (var kind in OtherKinds)
        {
            if (JsonFields.Optional(root, kind) is { ValueKind: JsonValueKind.Object } obj)
            {
                // Users are identified by accountId in Jira Cloud, by key/name in Data Center.
                var idName = kind == "user" && JsonFields.Optional(obj, "accountId") is not null ? "accountId" : "id";
                return new EntityRef(kind, JsonFields.Id(obj, kind, idName));
            }
        }

        return null;
    }

    private static void CopyIssueFields(JsonElement issue, FieldDictionary<string> attributes)
    {
        if (JsonFields.Optional(issue, "key") is { ValueKind: JsonValueKind.String } key)
        {
            attributes.Set("key", key.GetString()!);
        }

        if (JsonFields.Optional(issue, "fields") is not { ValueKind: JsonValueKind.Object } fields)
        {
            return;
        }

        if (JsonFields.Optional(fields, "summary") is { ValueKind: JsonValueKind.String } summary)
        {
            attributes.Set("summary", summary.GetString()!);
        }

        CopyName(fields, "status", "name", attributes);
        CopyName(fields, "priority", "name", attributes);
        CopyName(fields, "issuetype", "name", attributes);
        CopyName(fields, "assignee", "displayName", attributes);
    }

    private static void CopyName(JsonElement fields, string field, string nameProperty, FieldDictionary<string> attributes)
    {
        if (JsonFields.Optional(fields, field) is { ValueKind: JsonValueKind.Object } obj &&
            JsonFields.Optional(obj, nameProperty) is { ValueKind: JsonValueKind.String } name)
        {
            attributes.Set(field, name.GetString()!);
        }
    }
}
