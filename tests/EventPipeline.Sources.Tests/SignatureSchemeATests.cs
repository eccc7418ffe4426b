using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EventPipeline.Domain;

namespace EventPipeline.Sources.Tests;

/// <summary>
/// Signature schemes and robustness of the group-A sources (GitHub, Stripe, Shopify, PagerDuty, Zendesk, Twilio,
/// SendGrid), run through <see cref="SourceCatalog"/> exactly as the webhook function will use them.
/// </summary>
public sealed class SignatureSchemeATests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Sources => new(GroupATestKit.Sources);

    public static TheoryData<string> TimestampedSources => new("stripe", "zendesk", "sendgrid");

    [Theory]
    [MemberData(nameof(Sources))]
    public void Create_GroupA_RegistersAdapterUnderItsName(string source)
    {
        var registration = GroupATestKit.Registration(source);

        Assert.Equal(source, registration.Name);
        Assert.Equal(source, registration.Adapter.Name);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_SignedBySigner_Valid(string source)
    {
        foreach (var sample in Samples.For(source))
        {
            var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);

            var result = GroupATestKit.Registration(source).Authenticator.Verify(request, [GroupATestKit.VerifyingSecret(source, 0)], Now);

            Assert.True(result.Ok, $"{sample}: {result.Reason}");
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_TamperedBody_SignatureMismatch(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);
        var tampered = request.Body.ToArray();
        // Change a character inside the payload (not the last byte, so form bodies keep their shape).
        var at = Array.FindIndex(tampered, b => b is (byte)'1' or (byte)'e');
        tampered[at] = tampered[at] == (byte)'1' ? (byte)'2' : (byte)'f';

        var result = GroupATestKit.Registration(source).Authenticator.Verify(
            request with { Body = tampered }, [GroupATestKit.VerifyingSecret(source, 0)], Now);

        Assert.False(result.Ok);
        Assert.Equal("signature mismatch", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_WrongSecret_SignatureMismatch(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);

        var result = GroupATestKit.Registration(source).Authenticator.Verify(request, [GroupATestKit.VerifyingSecret(source, 1)], Now);

        Assert.False(result.Ok);
        Assert.Equal("signature mismatch", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_RotatedSecrets_SecondSecretMatches(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 1), Now);

        var result = GroupATestKit.Registration(source).Authenticator.Verify(
            request, [GroupATestKit.VerifyingSecret(source, 0), GroupATestKit.VerifyingSecret(source, 1)], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_MissingSignatureHeader_ReasonNamesHeader(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);
        var signatureHeader = GroupATestKit.SignatureHeader(source);
        var headers = request.Headers.Where(h => !string.Equals(h.Key, signatureHeader, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value);

        var result = GroupATestKit.Registration(source).Authenticator.Verify(
            request with { Headers = headers }, [GroupATestKit.VerifyingSecret(source, 0)], Now);

        Assert.False(result.Ok);
        Assert.Equal($"missing {signatureHeader} header", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_NoUsableSecret_Invalid(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);

        var result = GroupATestKit.Registration(source).Authenticator.Verify(request, ["", ""], Now);

        Assert.False(result.Ok);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_Failure_ReasonRevealsNoSecretOrSignature(string source)
    {
        var sample = Samples.For(source).First();
        var good = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now);
        var secret = GroupATestKit.VerifyingSecret(source, 1);

        var result = GroupATestKit.Registration(source).Authenticator.Verify(good, [secret], Now);

        Assert.False(result.Ok);
        Assert.DoesNotContain(secret, result.Reason!, StringComparison.Ordinal);
        foreach (var value in good.Headers.Values)
        {
            if (value.Length > 8)
            {
                Assert.DoesNotContain(value, result.Reason!, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TimestampedSources))]
    public void Verify_SignedSixMinutesAgo_TimestampOutsideTolerance(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now.AddSeconds(-301));

        var result = GroupATestKit.Registration(source).Authenticator.Verify(request, [GroupATestKit.VerifyingSecret(source, 0)], Now);

        Assert.False(result.Ok);
        Assert.Equal("timestamp outside 300 s tolerance", result.Reason);
    }

    [Theory]
    [MemberData(nameof(TimestampedSources))]
    public void Verify_SignedInTheFuture_TimestampOutsideTolerance(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now.AddMinutes(10));

        var result = GroupATestKit.Registration(source).Authenticator.Verify(request, [GroupATestKit.VerifyingSecret(source, 0)], Now);

        Assert.Equal("timestamp outside 300 s tolerance", result.Reason);
    }

    [Theory]
    [MemberData(nameof(TimestampedSources))]
    public void Verify_SignedFourMinutesAgo_Valid(string source)
    {
        var sample = Samples.For(source).First();
        var request = GroupATestKit.SignedRequest(sample, GroupATestKit.SigningSecret(source, 0), Now.AddMinutes(-4));

        var result = GroupATestKit.Registration(source).Authenticator.Verify(request, [GroupATestKit.VerifyingSecret(source, 0)], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AdaptAsync_MutatedSamples_NeverThrowsAndAcceptedEventsAreWellFormed(string source)
    {
        // Seeded so a failure reproduces; 300 mutations of each source's samples (truncation, byte flips,
        // removed fields, retyped values, removed headers).
        var random = new Random(source.Sum(c => c) * 7919);
        var adapter = GroupATestKit.Registration(source).Adapter;
        var samples = Samples.For(source).ToList();
        var (acceptedCount, rejectedCount) = (0, 0);
        for (var i = 0; i < 300; i++)
        {
            var sample = samples[random.Next(samples.Count)];
            var (body, headers) = GroupATestKit.Mutate(random, sample);
            var envelope = new IngestEnvelope("acme", source, Now, headers, body) { Url = sample.Url };

            var result = await adapter.AdaptAsync(envelope, CancellationToken.None);

            if (result is AdapterResult.Accepted accepted)
            {
                GroupATestKit.AssertWellFormed(accepted, "acme", source);
                acceptedCount++;
            }
            else
            {
                rejectedCount++;
                var rejection = Assert.IsType<AdapterResult.Rejected>(result).Reason;
                Assert.False(string.IsNullOrEmpty(rejection.Field));
                Assert.False(string.IsNullOrEmpty(rejection.Rule));
            }
        }

        // Both outcomes occur, so the mutations exercise the mapping and not only the JSON parser.
        Assert.True(acceptedCount > 0 && rejectedCount > 0, $"accepted {acceptedCount}, rejected {rejectedCount}");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AdaptAsync_NotJsonOrForm_RejectedNotThrown(string source)
    {
        var adapter = GroupATestKit.Registration(source).Adapter;
        var headers = Samples.For(source).First().Headers;

        var result = await adapter.AdaptAsync(new IngestEnvelope("acme", source, Now, headers, "\uFFFD{\"id\": tru"), CancellationToken.None);

        Assert.IsType<AdapterResult.Rejected>(result);
    }
}

/// <summary>Shared test helpers for the group-A sources: secrets, signed requests, sample expectations and mutations.</summary>
internal static class GroupATestKit
{
    public static readonly string[] Sources = ["github", "stripe", "shopify", "pagerduty", "zendesk", "twilio", "sendgrid"];

    private static readonly IReadOnlyDictionary<string, SourceRegistration> Catalog = SourceCatalog.Create(new SourceDependencies());

    // Two SendGrid key pairs: index 0 is the current key, index 1 the other (rotation / wrong key).
    private static readonly (string PrivateKey, string PublicKey)[] SendGridKeys = [NewSendGridKey(), NewSendGridKey()];

    public static SourceRegistration Registration(string source) => Catalog[source];

    /// <summary>The secret a provider signs with (SendGrid: a PKCS#8 private key, base64).</summary>
    public static string SigningSecret(string source, int index) =>
        source == "sendgrid" ? SendGridKeys[index].PrivateKey : $"{source}-secret-{index}-0123456789";

    /// <summary>The secret configured for verification (SendGrid: the public key, base64 SubjectPublicKeyInfo).</summary>
    public static string VerifyingSecret(string source, int index) =>
        source == "sendgrid" ? SendGridKeys[index].PublicKey : $"{source}-secret-{index}-0123456789";

    public static string SignatureHeader(string source) => source switch
    {
        "github" => "X-Hub-Signature-256",
        "stripe" => "Stripe-Signature",
        "shopify" => "X-Shopify-Hmac-Sha256",
        "pagerduty" => "X-PagerDuty-Signature",
        "zendesk" => "X-Zendesk-Webhook-Signature",
        "twilio" => "X-Twilio-Signature",
        "sendgrid" => "X-Twilio-Email-Event-Webhook-Signature",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    public static WebhookRequest SignedRequest(SampleCase sample, string secret, DateTimeOffset at) =>
        SignedRequest(sample.Source, sample.Body, sample.Url ?? "https://hooks.example.com/webhooks/acme/" + sample.Source, sample.Headers, secret, at);

    public static WebhookRequest SignedRequest(string source, byte[] body, string url, IReadOnlyDictionary<string, string> headers, string secret, DateTimeOffset at)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in headers)
        {
            all[k.ToLowerInvariant()] = v;
        }

        foreach (var (k, v) in Registration(source).Signer.Sign(body, url, secret, at))
        {
            all[k.ToLowerInvariant()] = v;
        }

        return new WebhookRequest("POST", url, all, body);
    }

    /// <summary>Runs a sample through its adapter and checks everything its <c>expect</c> states.</summary>
    public static async Task AssertMatchesExpect(SampleCase sample)
    {
        var receivedAt = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var result = await Registration(sample.Source).Adapter.AdaptAsync(sample.ToEnvelope("acme", receivedAt), CancellationToken.None);
        var expect = sample.Expect;
        if (expect.TryGetProperty("rejected", out var field))
        {
            var rejected = Assert.IsType<AdapterResult.Rejected>(result);
            Assert.Equal(field.GetString(), rejected.Reason.Field);
            return;
        }

        var accepted = Assert.IsType<AdapterResult.Accepted>(result);
        AssertWellFormed(accepted, "acme", sample.Source);
        var events = accepted.Events;
        Assert.Equal(Strings(expect, "eventIds"), events.Select(e => e.EventId));
        Assert.Equal(Strings(expect, "types"), events.Select(e => e.Type));
        Assert.Equal(Strings(expect, "entities"), events.Select(e => e.Entity.ToString()));
        if (expect.TryGetProperty("occurredAt", out _))
        {
            Assert.Equal(
                Strings(expect, "occurredAt").Select(s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture)),
                events.Select(e => e.OccurredAt));
        }
        else
        {
            // Samples without an expected time fall back to the receipt time.
            Assert.All(events, e => Assert.Equal(receivedAt, e.OccurredAt));
        }

        if (expect.TryGetProperty("measures", out var measures))
        {
            foreach (var m in measures.EnumerateObject())
            {
                // For a multi-event sample a measure's expectation is its sum over the events.
                Assert.Equal(m.Value.GetDecimal(), events.Sum(e => e.Measures.TryGetValue(m.Name, out var v) ? v : 0m));
            }
        }

        if (expect.TryGetProperty("attributes", out var attributes))
        {
            foreach (var a in attributes.EnumerateObject())
            {
                Assert.True(events[0].Attributes.TryGetValue(a.Name, out var actual), $"attribute {a.Name} missing");
                Assert.Equal(a.Value.GetString(), actual);
            }
        }
    }

    public static void AssertWellFormed(AdapterResult.Accepted accepted, string tenant, string source)
    {
        Assert.NotEmpty(accepted.Events);
        Assert.Equal(accepted.Events.Count, accepted.Events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count());
        foreach (var e in accepted.Events)
        {
            Assert.Equal(tenant, e.Tenant);
            Assert.Equal(source, e.Source);
            Assert.False(string.IsNullOrWhiteSpace(e.EventId));
            Assert.False(string.IsNullOrWhiteSpace(e.Type));
            Assert.False(string.IsNullOrEmpty(e.Entity.Kind));
            Assert.False(string.IsNullOrEmpty(e.Entity.Id));
            Assert.Equal(e.Entity.Kind.ToLowerInvariant(), e.Entity.Kind);
        }
    }

    /// <summary>One random damage to a sample: truncation, byte flips, removed or retyped fields, or a removed header.</summary>
    public static (string Body, IReadOnlyDictionary<string, string> Headers) Mutate(Random random, SampleCase sample)
    {
        var body = Encoding.UTF8.GetString(sample.Body);
        var headers = new Dictionary<string, string>(sample.Headers, StringComparer.OrdinalIgnoreCase);
        switch (random.Next(6))
        {
            case 0:
                body = body[..random.Next(body.Length + 1)];
                break;
            case 1:
                var bytes = (byte[])sample.Body.Clone();
                for (var n = random.Next(1, 4); n > 0 && bytes.Length > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                body = Encoding.UTF8.GetString(bytes);
                break;
            case 2:
                body = RemoveField(random, body);
                break;
            case 3:
                body = RetypeValue(random, body);
                break;
            case 4:
                if (headers.Count > 0)
                {
                    headers.Remove(headers.Keys.ElementAt(random.Next(headers.Count)));
                }

                break;
            default:
                body = RetypeValue(random, RemoveField(random, body));
                break;
        }

        return (body, headers);
    }

    // Drops one "name": value pair (JSON) or one name=value pair (form) by textual surgery on a random field.
    private static string RemoveField(Random random, string body)
    {
        if (!body.TrimStart().StartsWith('{') && !body.TrimStart().StartsWith('['))
        {
            var parts = body.Split('&').ToList();
            parts.RemoveAt(random.Next(parts.Count));
            return string.Join('&', parts);
        }

        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(body);
            var objects = Objects(node).ToList();
            var target = objects.Where(o => o.Count > 0).OrderBy(_ => random.Next()).FirstOrDefault();
            if (target is not null)
            {
                target.Remove(target.ElementAt(random.Next(target.Count)).Key);
            }

            return node?.ToJsonString() ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    // Replaces one property's value by a value of another JSON type (or a form value by junk).
    private static string RetypeValue(Random random, string body)
    {
        var replacements = new[] { "null", "42", "-1.5e300", "true", "\"\"", "\"not a time\"", "[]", "{}", "\"zen:x\"", "9999999999999999999999" };
        if (!body.TrimStart().StartsWith('{') && !body.TrimStart().StartsWith('['))
        {
            var parts = body.Split('&');
            var i = random.Next(parts.Length);
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            parts[i] = (eq < 0 ? parts[i] : parts[i][..eq]) + "=" + (random.Next(2) == 0 ? "%ZZ%E2%82" : "");
            return string.Join('&', parts);
        }

        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(body);
            var target = Objects(node).Where(o => o.Count > 0).OrderBy(_ => random.Next()).FirstOrDefault();
            if (target is not null)
            {
                var key = target.ElementAt(random.Next(target.Count)).Key;
                target[key] = System.Text.Json.Nodes.JsonNode.Parse(replacements[random.Next(replacements.Length)]);
            }

            return node?.ToJsonString() ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> Objects(System.Text.Json.Nodes.JsonNode? node)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                yield return o;
                foreach (var child in o.Select(p => p.Value).ToList())
                {
                    foreach (var x in Objects(child))
                    {
                        yield return x;
                    }
                }

                break;
            case System.Text.Json.Nodes.JsonArray a:
                foreach (var child in a.ToList())
                {
                    foreach (var x in Objects(child))
                    {
                        yield return x;
                    }
                }

                break;
        }
    }

    private static IEnumerable<string> Strings(JsonElement expect, string name) =>
        expect.GetProperty(name).EnumerateArray().Select(e => e.GetString()!);

    private static (string, string) NewSendGridKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
    }
}
