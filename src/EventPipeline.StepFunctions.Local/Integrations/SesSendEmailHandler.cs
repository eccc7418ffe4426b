using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Aws.Clients;
using EventPipeline.StepFunctions.Local.Clients;

namespace EventPipeline.StepFunctions.Local.Integrations;

/// <summary>
/// <c>arn:aws:states:::aws-sdk:sesv2:sendEmail</c>: reads the SES v2 request from the state's Parameters
/// (FromEmailAddress, Destination.ToAddresses, Content.Simple.Subject.Data, Content.Simple.Body.Text/Html.Data),
/// sends it with <see cref="ISesV2Client"/> and returns <c>{"MessageId": …}</c> as SES does. A request missing one
/// of those fails with <c>SesV2.BadRequestException</c>, as SES would answer it; service errors keep SES's name.
/// </summary>
public sealed class SesSendEmailHandler(ISesV2Client ses) : ITaskHandler
{
    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var p = invocation.Parameters as JsonObject ?? throw BadRequest("the request must be an object");
        var from = Text(p["FromEmailAddress"]) ?? throw BadRequest("FromEmailAddress is required");
        if (p["Destination"]?["ToAddresses"] is not JsonArray { Count: > 0 } to)
        {
            throw BadRequest("Destination.ToAddresses must list at least one address");
        }

        var recipients = to.Select(a => Text(a) ?? throw BadRequest("Destination.ToAddresses entries must be strings")).ToList();
        var simple = p["Content"]?["Simple"];
        var subject = Text(simple?["Subject"]?["Data"]) ?? throw BadRequest("Content.Simple.Subject.Data is required");
        var text = Text(simple?["Body"]?["Text"]?["Data"]);
        var html = Text(simple?["Body"]?["Html"]?["Data"]);
        if (text is null && html is null)
        {
            throw BadRequest("Content.Simple.Body.Text.Data or Html.Data is required");
        }

        try
        {
            var messageId = await ses.SendEmailAsync(new SesV2Email(from, recipients, subject, text, html), cancellationToken);
            return new JsonObject { ["MessageId"] = messageId };
        }
        catch (AwsServiceException e)
        {
            throw TaskErrors.From("SesV2", e);
        }
    }

    private static StatesErrorException BadRequest(string why) => new("SesV2.BadRequestException", why);

    private static string? Text(JsonNode? node)
        => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
