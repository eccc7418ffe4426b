using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EventPipeline.Aws.Clients;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EventPipeline.Local.Iam;

/// <summary>
/// Checks a request's SigV4 signature as AWS does: the canonical request rebuilt from what arrived (method, path, query,
/// the headers the signer named, the payload's hash), signed with the principal's secret, compared in constant time;
/// and the signing time within 15 minutes of now. So a wrong secret, a request changed after signing or a replay of an
/// old one fails locally as it fails in AWS.
/// </summary>
public static partial class SigV4Verifier
{
    /// <summary>How far the signing time may be from now (AWS: "Signature expired" beyond 15 minutes).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>Null when <paramref name="request"/> is signed with <paramref name="secretAccessKey"/>; else AWS's error code and message.</summary>
    public static (string Code, string Message)? Verify(HttpRequest request, ReadOnlySpan<byte> body, string secretAccessKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var match = Authorization().Match(request.Headers.Authorization.ToString());
        if (!match.Success)
        {
            return ("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' in the AWS4-HMAC-SHA256 form.");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return ("IncompleteSignatureException", "Authorization header requires existence of an 'X-Amz-Date' header.");
        }

        if ((now - signedAt).Duration() > MaxSkew)
        {
            return ("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier than {now.UtcDateTime.Add(-MaxSkew):yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} - 15 min.)");
        }

        var date = match.Groups["date"].Value;
        var region = match.Groups["region"].Value;
        var service = match.Groups["service"].Value;
        if (date != amzDate[..8])
        {
            return ("InvalidSignatureException", "Credential should be scoped to a valid date: the credential's date is not the X-Amz-Date's.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in match.Groups["headers"].Value.Split(';'))
        {
            var value = name == "host" ? request.Headers.Host.ToString() : string.Join(',', request.Headers[name].Select(v => v ?? ""));
            headers.Add(new(name, SigV4Signer.CollapseSpaces(value)));
        }

        var payloadHash = request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } declared ? declared : SigV4Signer.HexSha256(body);
        if (payloadHash != "UNSIGNED-PAYLOAD" && payloadHash != SigV4Signer.HexSha256(body))
        {
            return ("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        // The target exactly as it arrived (Kestrel keeps it); a request built in process has only the parsed path.
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target
            ? target
            : request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? raw : raw[..question];
        var query = question < 0 ? "" : raw[question..];
        var key = SigV4Signer.DeriveSigningKey(secretAccessKey, date, region, service);
        var presented = Encoding.ASCII.GetBytes(match.Groups["signature"].Value);
        // SDKs send the path encoded once and sign it encoded twice; some sign the path as they sent it. Both are the
        // same request, so either canonical form is accepted.
        foreach (var canonicalPath in new[] { SigV4Signer.CanonicalPath(path), path.Length == 0 ? "/" : path }.Distinct(StringComparer.Ordinal))
        {
            var expected = SigV4Signer.Signature(request.Method, canonicalPath, SigV4Signer.CanonicalQuery(query), headers, payloadHash, amzDate, region, service, key);
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(expected)))
            {
                return null;
            }
        }

        return ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=[^/,\s]+/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request,\s*SignedHeaders=(?<headers>[a-z0-9\-;]+),\s*Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex Authorization();
}
