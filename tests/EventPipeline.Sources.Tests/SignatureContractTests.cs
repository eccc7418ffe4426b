namespace EventPipeline.Sources.Tests;

/// <summary>
/// One contract for the signature scheme of every source in <see cref="SourceCatalog"/>, run through the catalog
/// exactly as the webhook function uses it: what the signer signs verifies, with any active secret; anything else
/// fails with a reason that names what failed and reveals neither a secret nor a signature. Cases a scheme cannot
/// have are left out by scheme family (bodies that are not signed, Graph's secret inside the body, timestamps).
/// </summary>
public sealed class SignatureContractTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ReceivedAt = SourceTestKit.ReceivedAt;

    private static readonly Lazy<IReadOnlyDictionary<string, SampleCase>> AllSamples =
        new(() => Samples.All().ToDictionary(s => s.ToString(), StringComparer.Ordinal));

    public static TheoryData<string> SampleIds() => new(AllSamples.Value.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> Sources() => new(SourceTestKit.Sources);

    public static TheoryData<string> BodySignedSources() => new(SourceTestKit.Sources.Where(s => !TestSecrets.BodyNotSigned.Contains(s)));

    // Graph's secret travels inside the sample body, so a request cannot be re-signed with another secret or lose a header.
    public static TheoryData<string> ResignableSources() => new(SourceTestKit.Sources.Where(s => s != "graph"));

    // A blank secret can be an HMAC key or a bearer token, not an ECDSA key (SendGrid).
    public static TheoryData<string> SharedSecretSources() => new(SourceTestKit.Sources.Where(s => s is not ("graph" or "sendgrid")));

    public static TheoryData<string> TimestampedSources() => new(SourceTestKit.Timestamped);

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_SignedSample_Succeeds(string id)
    {
        var sample = AllSamples.Value[id];
        var secrets = TestSecrets.For(sample.Source);

        var request = SourceTestKit.Signed(sample, secrets.SigningSecret, ReceivedAt);

        var result = SourceTestKit.Registration(sample.Source).Authenticator.Verify(request, secrets.VerifySecrets, ReceivedAt);
        Assert.True(result.Ok, $"{id}: {result.Reason}");
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_WrongSecret_Fails(string id)
    {
        var sample = AllSamples.Value[id];

        var request = SourceTestKit.Signed(sample, TestSecrets.For(sample.Source).SigningSecret, ReceivedAt);

        var result = SourceTestKit.Registration(sample.Source).Authenticator.Verify(request, TestSecrets.Wrong(sample.Source), ReceivedAt);
        Assert.False(result.Ok);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.DoesNotContain(TestSecrets.For(sample.Source).SigningSecret, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SampleIds))]
    public void Verify_TamperedBody_Fails(string id)
    {
        var sample = AllSamples.Value[id];
        if (TestSecrets.BodyNotSigned.Contains(sample.Source))
        {
            // The scheme authenticates the sender, not the body (see TestSecrets.BodyNotSigned); Verify_WrongSecret_Fails covers it.
            return;
        }

        var secrets = TestSecrets.For(sample.Source);
        var signed = SourceTestKit.Signed(sample, secrets.SigningSecret, ReceivedAt);
        var tampered = (byte[])sample.Body.Clone();
        tampered[tampered.Length / 2] ^= 0x01;

        var result = SourceTestKit.Registration(sample.Source).Authenticator.Verify(signed with { Body = tampered }, secrets.VerifySecrets, ReceivedAt);
        Assert.False(result.Ok);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_SignedBySigner_Valid(string source)
    {
        foreach (var sample in Samples.For(source))
        {
            var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);

            var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source)], Now);

            Assert.True(result.Ok, $"{sample}: {result.Reason}");
        }
    }

    [Theory]
    [MemberData(nameof(BodySignedSources))]
    public void Verify_TamperedBody_SignatureMismatch(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);
        var tampered = request.Body.ToArray();
        // Change a character inside the payload (not the last byte, so form bodies keep their shape).
        var at = Array.FindIndex(tampered, b => b is (byte)'1' or (byte)'e');
        tampered[at] = tampered[at] == (byte)'1' ? (byte)'2' : (byte)'f';

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request with { Body = tampered }, [TestSecrets.Verifying(source)], Now);

        Assert.False(result.Ok);
        Assert.Equal("signature mismatch", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_WrongSecret_SignatureMismatch(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source, 1)], Now);

        Assert.False(result.Ok);
        Assert.Equal(SourceTestKit.MismatchReason(source), result.Reason);
    }

    [Theory]
    [MemberData(nameof(ResignableSources))]
    public void Verify_RotatedSecrets_SecondSecretMatches(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source, 1), Now);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source, 0), TestSecrets.Verifying(source, 1)], Now);

        Assert.True(result.Ok, result.Reason);
    }

    [Theory]
    [MemberData(nameof(ResignableSources))]
    public void Verify_MissingSignatureHeader_ReasonNamesHeader(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);
        var signatureHeader = SourceTestKit.SignatureHeader(source);
        var headers = request.Headers.Where(h => !string.Equals(h.Key, signatureHeader, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request with { Headers = headers }, [TestSecrets.Verifying(source)], Now);

        Assert.False(result.Ok);
        Assert.Equal($"missing {signatureHeader} header", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_NoUsableSecret_Invalid(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, ["", ""], Now);

        Assert.False(result.Ok);
    }

    [Theory]
    [MemberData(nameof(SharedSecretSources))]
    public void Verify_SignedWithBlankSecret_InvalidEvenWhenBlankIsConfigured(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, "", Now);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, ["", TestSecrets.Verifying(source)], Now);

        Assert.False(result.Ok);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Verify_Failure_ReasonRevealsNoSecretOrSignature(string source)
    {
        var sample = Samples.For(source).First();
        var good = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now);
        var secret = TestSecrets.Verifying(source, 1);

        var result = SourceTestKit.Registration(source).Authenticator.Verify(good, [secret], Now);

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
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now.AddSeconds(-301));

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source)], Now);

        Assert.False(result.Ok);
        Assert.Equal("timestamp outside 300 s tolerance", result.Reason);
    }

    [Theory]
    [MemberData(nameof(TimestampedSources))]
    public void Verify_SignedInTheFuture_TimestampOutsideTolerance(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now.AddMinutes(10));

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source)], Now);

        Assert.Equal("timestamp outside 300 s tolerance", result.Reason);
    }

    [Theory]
    [MemberData(nameof(TimestampedSources))]
    public void Verify_SignedFourMinutesAgo_Valid(string source)
    {
        var sample = Samples.For(source).First();
        var request = SourceTestKit.Signed(sample, TestSecrets.Signing(source), Now.AddMinutes(-4));

        var result = SourceTestKit.Registration(source).Authenticator.Verify(request, [TestSecrets.Verifying(source)], Now);

        Assert.True(result.Ok, result.Reason);
    }
}
