using System.Text;
using System.Xml;
using EventPipeline.Aws.Clients;

namespace EventPipeline.StepFunctions.Local.Clients;

/// <summary>
/// <see cref="ISnsClient"/> over the SNS wire protocol: the Query protocol (<c>POST /</c>, form-encoded
/// <c>Action=Publish&amp;Version=2010-03-31&amp;…</c>, XML response), signing name <c>sns</c>, on the shared signed
/// client (which also maps SNS's XML errors). AWSSDK.SimpleNotificationService is not served by the registry here.
/// </summary>
public sealed class SnsClient : ISnsClient, IDisposable
{
    /// <summary>SigV4 service name of SNS.</summary>
    public const string SigningName = "sns";

    private const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";

    private readonly AwsJsonClient _client;

    /// <summary>Calls <paramref name="endpoint"/> as <paramref name="config"/> says (region, credentials, retries).</summary>
    public SnsClient(Uri endpoint, AwsEndpoints config, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
        => _client = new AwsJsonClient(endpoint, SigningName, config, httpClient, timeProvider);

    /// <inheritdoc />
    public async Task<string> PublishAsync(SnsPublishRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new StringBuilder("Action=Publish&Version=2010-03-31");
        Add(form, "Message", request.Message);
        Add(form, "PhoneNumber", request.PhoneNumber);
        Add(form, "TopicArn", request.TopicArn);
        Add(form, "TargetArn", request.TargetArn);
        Add(form, "Subject", request.Subject);
        var response = await _client.SendRestAsync(HttpMethod.Post, "/", Encoding.UTF8.GetBytes(form.ToString()), FormContentType, cancellationToken);
        return MessageIdOf(response);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static void Add(StringBuilder form, string name, string? value)
    {
        if (value is not null)
        {
            // RFC 3986 percent-encoding: what SigV4 canonicalizes to, and what every Query endpoint decodes.
            form.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    // <PublishResponse><PublishResult><MessageId>…</MessageId></PublishResult>…</PublishResponse>
    private static string MessageIdOf(AwsResponse response)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(response.Body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "MessageId")
                {
                    return reader.ReadElementContentAsString();
                }
            }
        }
        catch (XmlException e)
        {
            throw new AwsServiceException(response.StatusCode, "MalformedResponse", $"Publish answered with a body that is not XML: {e.Message}");
        }

        throw new AwsServiceException(response.StatusCode, "MalformedResponse", "Publish answered without a MessageId");
    }
}
