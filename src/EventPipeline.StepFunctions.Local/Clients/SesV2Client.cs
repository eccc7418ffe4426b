using System.Buffers;
using System.Text.Json;
using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>
/// <see cref="ISesV2Client"/> over the SES API v2 wire protocol (REST-JSON, <c>POST /v2/email/outbound-emails</c>,
/// signing name <c>ses</c>) on the shared signed client. AWSSDK.SimpleEmailV2 is not served by the registry here.
/// </summary>
public sealed class SesV2Client : ISesV2Client, IDisposable
{
    /// <summary>SigV4 service name of SES (v1 and v2).</summary>
    public const string SigningName = "ses";

    private readonly AwsJsonClient _client;

    /// <summary>Calls <paramref name="endpoint"/> as <paramref name="config"/> says (region, credentials, retries).</summary>
    public SesV2Client(Uri endpoint, AwsEndpoints config, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        => _client = new AwsJsonClient(endpoint, SigningName, config, httpClient, timeProvider);

    /// <inheritdoc />
    public async Task<string> SendEmailAsync(SesV2Email email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var body = Json(w =>
        {
            w.WriteString("FromEmailAddress", email.From);
            w.WriteStartObject("Destination");
            w.WriteStartArray("ToAddresses");
            foreach (var to in email.To)
            {
                w.WriteStringValue(to);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("Content");
            w.WriteStartObject("Simple");
            w.WriteStartObject("Subject");
            w.WriteString("Data", email.Subject);
            w.WriteEndObject();
            w.WriteStartObject("Body");
            Part(w, "Text", email.TextBody);
            Part(w, "Html", email.HtmlBody);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var response = await _client.SendRestAsync(HttpMethod.Post, "/v2/email/outbound-emails", body, "application/json", cancellationToken);
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.TryGetProperty("MessageId", out var id) && id.GetString() is { } messageId
            ? messageId
            : throw new AwsServiceException(response.StatusCode, "MalformedResponse", "SendEmail answered without a MessageId");
    }

    /// <summary>
    /// <c>CreateEmailIdentity</c> (<c>POST /v2/email/identities</c>): registers a sender. moto (like SES in the
    /// sandbox) rejects mail from an unverified sender with MessageRejected, so the local stack creates its sender
    /// identity before the first reminder; moto verifies it at once.
    /// </summary>
    public async Task CreateEmailIdentityAsync(string emailIdentity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(emailIdentity);
        var body = Json(w => w.WriteString("EmailIdentity", emailIdentity));
        try
        {
            await _client.SendRestAsync(HttpMethod.Post, "/v2/email/identities", body, "application/json", cancellationToken);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "AlreadyExistsException")
        {
            // Created by an earlier start: nothing to do.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static void Part(Utf8JsonWriter w, string name, string? data)
    {
        if (data is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("Data", data);
        w.WriteEndObject();
    }

    private static ReadOnlyMemory<byte> Json(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
