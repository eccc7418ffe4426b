using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Aws.Clients;

/// <summary>Resolved credentials for one signature; the session token is signed as <c>X-Amz-Security-Token</c>.</summary>
public readonly record struct SigV4Credentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    /// <summary>Keeps the secret out of logs and exception messages.</summary>
    public override string ToString() => $"SigV4Credentials {{ AccessKeyId = {AccessKeyId} }}";
}
