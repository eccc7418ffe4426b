using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Common;

namespace EventPipeline.Sources.GitHub;

/// <summary>
/// GitHub repository webhooks. Dedup id: <c>X-GitHub-Delivery</c>; type: <c>X-GitHub-Event</c> + <c>.</c> + <c>action</c>
/// (e.g. <c>issues.opened</c>, or just <c>push</c>); entity: the issue, else the pull request, else the repository
/// (else the organization for organization-level hooks); event time: that resource's <c>updated_at</c>, for pushes the
/// head commit's timestamp, else the receipt time.
/// </summary>
public sealed class GitHubAdapter : ISourceAdapter
{
    /// <inheritdoc />
    public string Name => "github";

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterRun.Map(envelope, Map);

    private AdapterResult Map(IngestEnvelope envelope)
    {
        var delivery = AdapterRun.RequiredHeader(envelope, "X-GitHub-Delivery");
        var eventName = AdapterRun.RequiredHeader(envelope, "X-GitHub-Event").ToLowerInvariant();
        using var document = AdapterJson.Parse(envelope.Body);
        var root = AdapterJson.RootObject(document);

        var action = AdapterJson.OptionalString(root, "", "action");
        var type = string.IsNullOrEmpty(action) ? eventName : $"{eventName}.{action.ToLowerInvariant()}";
        var builder = new AdapterEventBuilder().Attribute("action", action);

        var repository = AdapterJson.OptionalObject(root, "", "repository");
        if (repository is { } repositoryObject)
        {
            builder.Attribute("repository", AdapterJson.OptionalString(repositoryObject, "repository", "full_name"));
        }

        if (AdapterJson.OptionalObject(root, "", "sender") is { } sender)
        {
            builder.Attribute("sender", AdapterJson.OptionalString(sender, "sender", "login"));
        }

        string kind;
        JsonElement resource;
        DateTimeOffset? occurredAt;
        if (AdapterJson.OptionalObject(root, "", "issue") is { } issue)
        {
            (kind, resource) = ("issue", issue);
            occurredAt = AdapterJson.OptionalTimestamp(issue, "issue", "updated_at");
            AddIssueFields(builder, issue);
        }
        else if (AdapterJson.OptionalObject(root, "", "pull_request") is { } pull)
        {
            (kind, resource) = ("pull_request", pull);
            occurredAt = AdapterJson.OptionalTimestamp(pull, "pull_request", "updated_at");
            AddIssueFields(builder, pull);
            builder.Attribute("merged", AdapterJson.Scalar(pull, "merged"))
                .Measure("additions", AdapterJson.OptionalNumber(pull, "pull_request", "additions"))
                .Measure("deletions", AdapterJson.OptionalNumber(pull, "pull_request", "deletions"))
                .Measure("changed_files", AdapterJson.OptionalNumber(pull, "pull_request", "changed_files"));
        }
        else if (repository is { } repo)
        {
            (kind, resource) = ("repository", repo);
            occurredAt = eventName == "push" ? PushTime(root) : AdapterJson.OptionalTimestamp(repo, "repository", "updated_at");
            if (eventName == "push")
            {
                builder.Attribute("ref", AdapterJson.OptionalString(root, "", "ref"));
                if (root.TryGetProperty("commits", out var commits))
                {
                    builder.Measure("commits", commits.ValueKind == JsonValueKind.Array
                        ? commits.GetArrayLength()
                        : throw RejectionException.For("commits", "must be an array"));
                }
            }
        }
        else if (AdapterJson.OptionalObject(root, "", "organization") is { } organization)
        {
            (kind, resource) = ("organization", organization);
            occurredAt = null;
        }
        else
        {
            throw RejectionException.For("repository", "required");
        }

        var id = AdapterJson.Id(resource, kind, "id");
        var evt = builder.Build(envelope, Name, delivery, type, occurredAt ?? envelope.ReceivedAt, kind, id);
        return AdapterResult.Of(evt);
    }

    // A push's repository.updated_at is when the repository's settings last changed, not when the push happened.
    private static DateTimeOffset? PushTime(JsonElement root) =>
        AdapterJson.OptionalObject(root, "", "head_commit") is { } head ? AdapterJson.OptionalTimestamp(head, "head_commit", "timestamp") : null;

    private static void AddIssueFields(AdapterEventBuilder builder, JsonElement resource) =>
        builder.Attribute("state", AdapterJson.Scalar(resource, "state"))
            .Attribute("number", AdapterJson.Scalar(resource, "number"))
            .Attribute("title", AdapterJson.Scalar(resource, "title"));
}
