using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Aws.Clients;

/// <summary>What a signature produced: the headers to send with the request.</summary>
/// <param name="Authorization">The <c>Authorization</c> header value.</param>
/// <param name="AmzDate">The <c>X-Amz-Date</c> header value (ISO 8601 basic, UTC).</param>
/// <param name="SignedHeaders">The semicolon-separated, lower-case names that were signed.</param>
/// <param name="Signature">The hex signature (also inside <paramref name="Authorization"/>).</param>
public sealed record SigV4Result(string Authorization, string AmzDate, string SignedHeaders, string Signature);
