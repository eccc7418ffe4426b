using System.Text.RegularExpressions;

namespace EventPipeline.Local.Iam;

/// <summary>What an AWS request's SigV4 <c>Authorization</c> header says: who signed it, for which service and region.</summary>
/// <param name="AccessKeyId">The access key id of the signer.</param>
/// <param name="Region">The credential scope's region.</param>
/// <param name="Service">The credential scope's signing name (<c>dynamodb</c>, <c>kinesis</c>, <c>sqs</c>, <c>execute-api</c>, …).</param>
public sealed partial record SignedRequest(string AccessKeyId, string Region, string Service)
{
    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=…, Signature=…</c>.</summary>
    public static SignedRequest? Parse(string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return null;
        }

        var match = Credential().Match(authorization);
        return match.Success && authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)
            ? new SignedRequest(match.Groups["key"].Value, match.Groups["region"].Value, match.Groups["service"].Value)
            : null;
    }

    [GeneratedRegex(@"Credential=(?<key>[^/]+)/\d{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request")]
    private static partial Regex Credential();
}
