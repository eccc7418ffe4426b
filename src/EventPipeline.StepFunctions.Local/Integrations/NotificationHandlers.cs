using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.StepFunctions.Local.Outbox;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// Local stand-in for <c>arn:aws:states:::aws-sdk:sesv2:sendEmail</c>: checks the request shape SES v2 requires
/// (FromEmailAddress, Destination.ToAddresses, Content.Simple.Subject.Data, Content.Simple.Body.Text.Data) and appends one
/// outbox entry per recipient. Returns <c>{"MessageId": ...}</c> as SES does.
/// </summary>
public sealed class SesSendEmailHandler(IOutbox outbox, TimeProvider? clock = null) : ITaskHandler
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var p = invocation.Parameters as JsonObject ?? throw BadRequest("the request must be an object");
        _ = Text(p["FromEmailAddress"]) ?? throw BadRequest("FromEmailAddress is required");
        var to = p["Destination"]?["ToAddresses"] as JsonArray;
        if (to is null || to.Count == 0)
        {
            throw BadRequest("Destination.ToAddresses must list at least one address");
        }

        var simple = p["Content"]?["Simple"];
        var subject = Text(simple?["Subject"]?["Data"]) ?? throw BadRequest("Content.Simple.Subject.Data is required");
        var body = Text(simple?["Body"]?["Text"]?["Data"]) ?? Text(simple?["Body"]?["Html"]?["Data"])
            ?? throw BadRequest("Content.Simple.Body.Text.Data or Html.Data is required");

        foreach (var address in to)
        {
            var recipient = Text(address) ?? throw BadRequest("Destination.ToAddresses entries must be strings");
            await outbox.AppendAsync(
                new OutboxEntry(_clock.GetUtcNow(), invocation.ExecutionArn, OutboxChannels.Email, recipient, subject, body),
                cancellationToken);
        }

        return new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() };
    }

    private static StatesErrorException BadRequest(string why) => new("SesV2.BadRequestException", why);

    private static string? Text(JsonNode? node)
        => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}

/// <summary>
/// Local stand-in for <c>arn:aws:states:::sns:publish</c> sending an SMS (<c>PhoneNumber</c> + <c>Message</c>): appends an
/// outbox entry. Returns <c>{"MessageId": ...}</c> as SNS does.
/// </summary>
public sealed class SnsPublishHandler(IOutbox outbox, TimeProvider? clock = null) : ITaskHandler
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var p = invocation.Parameters as JsonObject ?? throw Invalid("the request must be an object");
        var message = Text(p["Message"]) ?? throw Invalid("Message is required");
        var phone = Text(p["PhoneNumber"]);
        var topic = Text(p["TopicArn"]) ?? Text(p["TargetArn"]);
        if (phone is null && topic is null)
        {
            throw Invalid("one of PhoneNumber, TopicArn or TargetArn is required");
        }

        await outbox.AppendAsync(
            new OutboxEntry(_clock.GetUtcNow(), invocation.ExecutionArn, OutboxChannels.Sms, phone ?? topic!, Text(p["Subject"]), message),
            cancellationToken);
        return new JsonObject { ["MessageId"] = Guid.NewGuid().ToString() };
    }

    private static StatesErrorException Invalid(string why) => new("SNS.InvalidParameterException", why);

    private static string? Text(JsonNode? node)
        => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
