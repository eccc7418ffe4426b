using System.Text.Json;
using EventPipeline.Domain;
using EventPipeline.Sources.Toolkit;

namespace EventPipeline.Sources.GitHub;

/// <summary>
/// GitHub repository webhooks. Dedup id: <c>X-GitHub-Delivery</c>; type: <c>X-GitHub-Event</c> + <c>.</c> + <c>action</c>
/// (e.g. <c>issues.opened</c>, or just <c>push</c>); entity: the issue, else the pull request, else the repository
/// (else the organization for organization-level hooks); event time: that resource's <c>updated_at</c>, for pushes the
/// head commit's timestamp, else the receipt time.
/// </summary>
public sealed class GitHubAdapter : ISourceAdapter
{
    /// <summary>The source's name, declared once: <see cref="Name"/>, the catalog and envelopes use it.</summary>
    public const string SourceName = "github";

    /// <inheritdoc />
    public string Name => SourceName;

    /// <inheritdoc />
    public ValueTask<AdapterResult> AdaptAsync(IngestEnvelope envelope, CancellationToken cancellationToken) =>
        AdapterBoundary.Run(envelope, Map);

    private static CanonicalEvent Map(IngestEnvelope envelope)
    {
        var delivery = AdapterBoundary.RequiredHeader(envelope, "X-GitHub-Delivery");
        var eventName = AdapterBoundary.Lower(AdapterBoundary.RequiredHeader(envelope, "X-GitHub-Event"));
        using var document = JsonFields.Parse(envelope);
        var root = JsonFields.RootObject(document);

        var action = JsonFields.OptionalString(root, "", "action");
        var type = string.IsNullOrEmpty(action) ? eventName : $"{eventName}.{AdapterBoundary.Lower(action)}";
        var builder = new EventBuilder().Attribute("action", action);

        var repository = JsonFields.OptionalObject(root, "", "repository");
        if (repository is { } repositoryObject)
        {
            builder.Attribute("repository", JsonFields.OptionalString(repositoryObject, "repository", "full_name"));
        }

        if (JsonFields.OptionalObject(root, "", "sender") is { } sender)
        {
            builder.Attribute("sender", JsonFields.OptionalString(sender, "sender", "login"));
        }

        string kind;
        JsonElement resource;
        DateTimeOffset? occurredAt;
        if (JsonFields.OptionalObject(root, "", "issue") is { } issue)
        {
            (kind, resource) = ("issue", issue);
            occurredAt = JsonFields.OptionalTimestamp(issue, "issue", "updated_at");
            AddIssueFields(builder, issue);
        }
        else if (JsonFields.OptionalObject(root, "", "pull_request") is { } pull)
        {
            (kind, resource) = ("pull_request", pull);
            occurredAt = JsonFields.OptionalTimestamp(pull, "pull_request", "updated_at");
            AddIssueFields(builder, pull);
            builder.Attribute("merged", JsonFields.Scalar(pull, "merged"))
                .Measure("additions", JsonFields.OptionalNumber(pull, "pull_request", "additions"))
                .Measure("deletions", JsonFields.OptionalNumber(pull, "pull_request", "deletions"))
                .Measure("changed_files", JsonFields.OptionalNumber(pull, "pull_request", "changed_files"));
        }
        else if (repository is { } repo)
        {
            (kind, resource) = ("repository", repo);
            occurredAt = eventName == "push" ? PushTime(root) : JsonFields.OptionalTimestamp(repo, "repository", "updated_at");
            if (eventName == "push")
            {
                builder.Attribute("ref", JsonFields.OptionalString(root, "", "ref"));
                if (root.TryGetProperty("commits", out var commits))
                {
                    builder.Measure("commits", commits.ValueKind == JsonValueKind.Array
                        ? commits.GetArrayLength()
                        : throw RejectionException.For("commits", "must be an array"));
                }
            }
        }
        else if (JsonFields.OptionalObject(root, "", "organization") is { } organization)
        {
            (kind, resource) = ("organization", organization);
            occurredAt = null;
        }
        else
        {
            throw RejectionException.For("repository", "required");
        }

        var id = JsonFields.Id(resource, kind, "id");
        return builder.Build(envelope, SourceName, delivery, type, occurredAt ?? envelope.ReceivedAt, kind, id);
    }

    // A push's repository.updated_at is when the repository's settings last changed, not when the push happened.
    private static DateTimeOffset? PushTime(JsonElement root) =>
        JsonFields.OptionalObject(root, "", "head_commit") is { } head ? JsonFields.OptionalTimestamp(head, "head_commit", "timestamp") : null;

    private static void AddIssueFields(EventBuilder builder, JsonElement resource) =>
        builder.Attribute("state", JsonFields.Scalar(resource, "state"))
            .Attribute("number", JsonFields.Scalar(resource, "number"))
            .Attribute("title", JsonFields.Scalar(resource, "title"));
}
