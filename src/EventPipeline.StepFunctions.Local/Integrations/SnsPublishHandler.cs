using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// <c>arn:aws:states:::sns:publish</c>: Message and one of PhoneNumber (an SMS), TopicArn or TargetArn, optional
/// Subject; published with <see cref="ISnsClient"/>; returns <c>{"MessageId": …}</c> as SNS does. Errors are
/// <c>SNS.{Code}Exception</c>.
/// </summary>
public sealed class SnsPublishHandler(ISnsClient sns) : ITaskHandler
{
    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var p = invocation.Parameters as JsonObject ?? throw Invalid("the request must be an object");
        var message = Text(p["Message"]) ?? throw Invalid("Message is required");
        var phone = Text(p["PhoneNumber"]);
        var topic = Text(p["TopicArn"]);
        var target = Text(p["TargetArn"]);
        if (phone is null && topic is null && target is null)
        {
            throw Invalid("one of PhoneNumber, TopicArn or TargetArn is required");
        }

        try
        {
            var messageId = await sns.PublishAsync(new SnsPublishRequest(message, phone, topic, target, Text(p["Subject"])), cancellationToken);
            return new JsonObject { ["MessageId"] = messageId };
        }
        catch (AwsServiceException e)
        {
            throw TaskErrors.From("SNS", e);
        }
    }

    private static StatesErrorException Invalid(string why) => new("SNS.InvalidParameterException", why);

    private static string? Text(JsonNode? node)
        => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
