using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace EventPipeline.Sources.Toolkit;

/// <summary>
/// Dedup ids for payloads that carry none (CSV rows, Graph notifications): the same parts always give the same id, so
/// a re-sent payload deduplicates instead of counting twice.
/// </summary>
internal static class StableId
{
    private const char Separator = '\u001f';

    /// <summary>SHA-256 of the UTF-8 of the parts joined with a unit separator, as lower-case hex.</summary>
    public static string Of(params ReadOnlySpan<string> parts)
    {
        // A span of parts: each call site's parts live on its stack, where an array was one allocation per row or notification.
        // Encoded piece by piece into one rented buffer and hashed into a stack span: the same bytes as encoding
        // string.Join's result (the separator is ASCII and every part is a whole string, so no surrogate pair is split),
        // without the joined string, the byte array and the hash array per row or notification.
        var length = Math.Max(parts.Length - 1, 0);
        foreach (var part in parts)
        {
            length += Encoding.UTF8.GetByteCount(part ?? "");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var written = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0)
                {
                    buffer[written++] = (byte)Separator;
                }

                written += Encoding.UTF8.GetBytes(parts[i] ?? "", buffer.AsSpan(written));
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
