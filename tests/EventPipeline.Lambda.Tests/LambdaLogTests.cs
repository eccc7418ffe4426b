using System.Text.Json;

namespace EventPipeline.Lambda.Tests;

public sealed class LambdaLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 18, 0, 0, 123, TimeSpan.Zero);

    private static (LambdaLog Log, StringWriter Output) Create(LambdaLogLevel level = LambdaLogLevel.Information)
    {
        var output = new StringWriter();
        return (new LambdaLog(output, level, new FixedClock(Now)), output);
    }

    private static JsonElement[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToArray();

    [Fact]
    public void Information_WithCorrelationFields_WritesOneJsonObjectPerLine()
    {
        var (log, output) = Create();

        log.WithRequestId("req-1").Information("record applied",
            ("tenant", "acme"), ("source", "github"), ("dedupId", "evt-9"), ("shardId", "shardId-000000000006"),
            ("sequenceNumber", "4959"), ("connectionId", "L0SM="), ("executionId", "arn:exec"), ("records", 3), ("late", true));

        var text = output.ToString();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var line = Assert.Single(Lines(output));
        Assert.Equal(Now, line.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("INFO", line.GetProperty("level").GetString());
        Assert.Equal("record applied", line.GetProperty("message").GetString());
        Assert.Equal("req-1", line.GetProperty("requestId").GetString());
        Assert.Equal("acme", line.GetProperty("tenant").GetString());
        Assert.Equal("github", line.GetProperty("source").GetString());
        Assert.Equal("evt-9", line.GetProperty("dedupId").GetString());
        Assert.Equal("shardId-000000000006", line.GetProperty("shardId").GetString());
        Assert.Equal("4959", line.GetProperty("sequenceNumber").GetString());
        Assert.Equal("L0SM=", line.GetProperty("connectionId").GetString());
        Assert.Equal("arn:exec", line.GetProperty("executionId").GetString());
        Assert.Equal(3, line.GetProperty("records").GetInt32());
        Assert.True(line.GetProperty("late").GetBoolean());
    }

    [Fact]
    public void Information_WithoutRequestId_OmitsRequestIdMember()
    {
        var (log, output) = Create();

        log.Information("cold start");

        Assert.False(Assert.Single(Lines(output)).TryGetProperty("requestId", out _));
    }

    [Theory]
    [InlineData(LambdaLogLevel.Debug, 4)]
    [InlineData(LambdaLogLevel.Information, 3)]
    [InlineData(LambdaLogLevel.Warning, 2)]
    [InlineData(LambdaLogLevel.Error, 1)]
    public void Write_BelowMinimumLevel_IsSkipped(LambdaLogLevel minimum, int expectedLines)
    {
        var (log, output) = Create(minimum);

        log.Debug("d");
        log.Information("i");
        log.Warning("w");
        log.Error("e");

        var levels = Lines(output).Select(l => l.GetProperty("level").GetString()).ToArray();
        Assert.Equal(expectedLines, levels.Length);
        Assert.Equal(new[] { "DEBUG", "INFO", "WARN", "ERROR" }[^expectedLines..], levels);
    }

    [Theory]
    [InlineData("authorization")]
    [InlineData("Authorization")]
    [InlineData("webhookSecret")]
    [InlineData("x-hub-signature-256")]
    [InlineData("apiToken")]
    [InlineData("PASSWORD")]
    [InlineData("client_secret")]
    public void Write_SecretLikeFieldName_IsRedacted(string name)
    {
        var (log, output) = Create();

        log.Warning("signature mismatch", (name, "hunter2-very-secret-value"), ("tenant", "acme"));

        Assert.DoesNotContain("hunter2", output.ToString(), StringComparison.Ordinal);
        var line = Assert.Single(Lines(output));
        Assert.Equal(LambdaLog.RedactedValue, line.GetProperty(name).GetString());
        Assert.Equal("acme", line.GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData("tenant", false)]
    [InlineData("sequenceNumber", false)]
    [InlineData("tokenCount", true)]
    [InlineData("Stripe-Signature", true)]
    public void IsSecretField_Name_MatchesRule(string name, bool expected) =>
        Assert.Equal(expected, LambdaLog.IsSecretField(name));

    [Fact]
    public void Write_FieldNamedLikeTopLevelMember_IsPrefixedNotDuplicated()
    {
        var (log, output) = Create();

        log.WithRequestId("req-1").Information("real", ("message", "spoofed"), ("requestId", "other"));

        var line = Assert.Single(Lines(output));
        Assert.Equal("real", line.GetProperty("message").GetString());
        Assert.Equal("req-1", line.GetProperty("requestId").GetString());
        Assert.Equal("spoofed", line.GetProperty("field.message").GetString());
        Assert.Equal("other", line.GetProperty("field.requestId").GetString());
        Assert.Equal(1, line.EnumerateObject().Count(p => p.Name == "message"));
    }

    [Fact]
    public void Error_WithException_WritesErrorTypeMessageAndStack()
    {
        var (log, output) = Create();
        Exception caught;
        try
        {
            throw new InvalidDataException("field 'tenant' is required");
        }
        catch (InvalidDataException ex)
        {
            caught = ex;
        }

        log.Error("record rejected", caught, ("dedupId", "evt-1"));

        var line = Assert.Single(Lines(output));
        Assert.Equal("ERROR", line.GetProperty("level").GetString());
        Assert.Equal("InvalidDataException", line.GetProperty("errorType").GetString());
        Assert.Equal("field 'tenant' is required", line.GetProperty("errorMessage").GetString());
        Assert.NotEmpty(line.GetProperty("stackTrace").EnumerateArray());
        Assert.Equal("evt-1", line.GetProperty("dedupId").GetString());
    }

    [Fact]
    public void Write_FromManyThreads_EveryLineIsWholeJson()
    {
        var (log, output) = Create();

        Parallel.For(0, 500, i => log.WithRequestId($"req-{i}").Information("tick", ("i", i)));

        var lines = Lines(output);
        Assert.Equal(500, lines.Length);
        Assert.Equal(Enumerable.Range(0, 500), lines.Select(l => l.GetProperty("i").GetInt32()).Order());
    }

    [Theory]
    [InlineData("Debug", true, LambdaLogLevel.Debug)]
    [InlineData("information", true, LambdaLogLevel.Information)]
    [InlineData("Warning", true, LambdaLogLevel.Warning)]
    [InlineData("ERROR", true, LambdaLogLevel.Error)]
    [InlineData("WARN", true, LambdaLogLevel.Warning)]
    [InlineData("INFO", true, LambdaLogLevel.Information)]
    [InlineData("TRACE", true, LambdaLogLevel.Debug)]
    [InlineData(null, true, LambdaLogLevel.Information)]
    [InlineData("verbose-ish", false, LambdaLogLevel.Information)]
    public void TryParseLevel_Value_MapsToLevel(string? value, bool known, LambdaLogLevel expected)
    {
        Assert.Equal(known, LambdaLog.TryParseLevel(value, out var level));
        Assert.Equal(expected, level);
    }

    [Fact]
    public void WithMinimumLevel_SharedWriter_FiltersIndependently()
    {
        var (log, output) = Create(LambdaLogLevel.Error);

        log.Information("hidden");
        log.WithMinimumLevel(LambdaLogLevel.Debug).Debug("shown");

        Assert.Equal("shown", Assert.Single(Lines(output)).GetProperty("message").GetString());
    }
}
