using System.Text.Json;

namespace EventPipeline.Lambda.Tests;

public sealed class EmfMetricsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 18, 0, 0, 500, TimeSpan.Zero);

    private static (EmfMetrics Metrics, StringWriter Output) Create()
    {
        var output = new StringWriter();
        return (EmfMetrics.ForFunction("EventPipeline", "ingest", output, new FixedClock(Now)), output);
    }

    private static JsonElement[] Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToArray();

    /// <summary>Checks the rules of the EMF specification that a document can break.</summary>
    private static void AssertValidEmf(JsonElement root)
    {
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var aws = root.GetProperty("_aws");
        Assert.Equal(JsonValueKind.Object, aws.ValueKind);
        Assert.True(aws.GetProperty("Timestamp").TryGetInt64(out _), "_aws.Timestamp must be an integer (epoch ms)");
        var directives = aws.GetProperty("CloudWatchMetrics");
        Assert.Equal(JsonValueKind.Array, directives.ValueKind);
        foreach (var directive in directives.EnumerateArray())
        {
            var ns = directive.GetProperty("Namespace").GetString();
            Assert.InRange(ns!.Length, 1, 255);
            var sets = directive.GetProperty("Dimensions");
            Assert.True(sets.GetArrayLength() >= 1, "Dimensions needs at least one DimensionSet");
            foreach (var set in sets.EnumerateArray())
            {
                Assert.InRange(set.GetArrayLength(), 0, EmfMetrics.MaxDimensions);
                foreach (var key in set.EnumerateArray())
                {
                    Assert.Equal(JsonValueKind.String, root.GetProperty(key.GetString()!).ValueKind);
                }
            }

            var metrics = directive.GetProperty("Metrics");
            Assert.InRange(metrics.GetArrayLength(), 1, EmfMetrics.MaxMetricsPerDirective);
            foreach (var metric in metrics.EnumerateArray())
            {
                // A number, or an array of at most 100 numbers (a distribution's values).
                var value = root.GetProperty(metric.GetProperty("Name").GetString()!);
                if (value.ValueKind == JsonValueKind.Array)
                {
                    Assert.InRange(value.GetArrayLength(), 1, EmfMetrics.MaxValuesPerMetric);
                    Assert.All(value.EnumerateArray(), v => Assert.Equal(JsonValueKind.Number, v.ValueKind));
                }
                else
                {
                    Assert.Equal(JsonValueKind.Number, value.ValueKind);
                }
                Assert.Contains(metric.GetProperty("Unit").GetString()!, EmfMetrics.Units);
            }
        }
    }

    [Fact]
    public void Flush_AfterIncrements_WritesOneSpecShapedLine()
    {
        var (metrics, output) = Create();

        metrics.Increment("RecordsApplied");
        metrics.Increment("RecordsApplied", 4);
        metrics.Increment("BatchMillis", 12.5, "Milliseconds");
        var wrote = metrics.Flush();

        Assert.True(wrote);
        var line = Assert.Single(Lines(output));
        AssertValidEmf(line);
        var aws = line.GetProperty("_aws");
        Assert.Equal(Now.ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray());
        Assert.Equal("EventPipeline", directive.GetProperty("Namespace").GetString());
        var set = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(["FunctionName"], set.EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(
            [("RecordsApplied", "Count"), ("BatchMillis", "Milliseconds")],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => (m.GetProperty("Name").GetString(), m.GetProperty("Unit").GetString())));
        Assert.Equal("ingest", line.GetProperty("FunctionName").GetString());
        Assert.Equal(5, line.GetProperty("RecordsApplied").GetDouble());
        Assert.Equal(12.5, line.GetProperty("BatchMillis").GetDouble());
    }

    [Fact]
    public void Flush_NothingIncremented_WritesNothing()
    {
        var (metrics, output) = Create();

        Assert.False(metrics.Flush());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Flush_Twice_SecondLineHasOnlyNewIncrementsWhileTotalsAccumulate()
    {
        var (metrics, output) = Create();

        metrics.Increment("Rejected", 2);
        metrics.Flush();
        metrics.Increment("Rejected");
        metrics.Increment("Applied", 7);
        metrics.Flush();

        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.Equal(2, lines[0].GetProperty("Rejected").GetDouble());
        Assert.False(lines[0].TryGetProperty("Applied", out _));
        Assert.Equal(1, lines[1].GetProperty("Rejected").GetDouble());
        Assert.Equal(7, lines[1].GetProperty("Applied").GetDouble());
        Assert.Equal(new Dictionary<string, double> { ["Rejected"] = 3, ["Applied"] = 7 }, metrics.Totals);
    }

    [Fact]
    public void Totals_IsASnapshot_LaterIncrementsDoNotChangeIt()
    {
        var (metrics, _) = Create();
        metrics.Increment("Applied");

        var snapshot = metrics.Totals;
        metrics.Increment("Applied");

        Assert.Equal(1, snapshot["Applied"]);
        Assert.Equal(2, metrics.Totals["Applied"]);
    }

    [Fact]
    public void Flush_MoreThan100Metrics_SplitsIntoDirectivesOfAtMost100()
    {
        var (metrics, output) = Create();
        for (var i = 0; i < 250; i++)
        {
            metrics.Increment($"M{i:000}");
        }

        metrics.Flush();

        var line = Assert.Single(Lines(output));
        AssertValidEmf(line);
        var sizes = line.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray()
            .Select(d => d.GetProperty("Metrics").GetArrayLength()).ToArray();
        Assert.Equal([100, 100, 50], sizes);
        Assert.Equal(1, line.GetProperty("M249").GetDouble());
    }

    [Fact]
    public void Increment_UnknownUnit_ThrowsNamingUnit()
    {
        var (metrics, _) = Create();

        var ex = Assert.Throws<ArgumentException>(() => metrics.Increment("Latency", 1, "ms"));

        Assert.Equal("unit", ex.ParamName);
        Assert.Contains("'ms'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Increment_SameMetricWithAnotherUnit_Throws()
    {
        var (metrics, _) = Create();
        metrics.Increment("Latency", 3, "Milliseconds");

        Assert.Throws<ArgumentException>(() => metrics.Increment("Latency", 3, "Seconds"));
    }

    [Theory]
    [InlineData("FunctionName")]
    [InlineData("_aws")]
    [InlineData("")]
    public void Increment_NameThatWouldBreakTheDocument_Throws(string name)
    {
        var (metrics, _) = Create();

        Assert.Throws<ArgumentException>(() => metrics.Increment(name));
    }

    [Fact]
    public void Increment_NonFiniteValue_Throws()
    {
        var (metrics, _) = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Increment("Applied", double.NaN));
    }

    [Fact]
    public void Increment_FromManyThreads_TotalsAreExact()
    {
        var (metrics, output) = Create();

        Parallel.For(0, 1000, i =>
        {
            metrics.Increment("Applied");
            if (i % 100 == 0)
            {
                metrics.Flush();
            }
        });
        metrics.Flush();

        Assert.Equal(1000, metrics.Totals["Applied"]);
        Assert.Equal(1000, Lines(output).Sum(l => l.GetProperty("Applied").GetDouble()));
    }

    [Fact]
    public void Constructor_NoDimensions_WritesOneEmptyDimensionSet()
    {
        var output = new StringWriter();
        var metrics = new EmfMetrics("EventPipeline", output, clock: new FixedClock(Now));

        metrics.Increment("Applied");
        metrics.Flush();

        var line = Assert.Single(Lines(output));
        AssertValidEmf(line);
        var set = Assert.Single(line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions").EnumerateArray());
        Assert.Equal(0, set.GetArrayLength());
    }

    [Fact]
    public void Constructor_BlankDimensionValue_ThrowsNamingDimension()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            new EmfMetrics("EventPipeline", TextWriter.Null, [new("FunctionName", " ")]));

        Assert.Contains("FunctionName", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flush_AfterRecords_WritesEachValueOfTheDistribution()
    {
        var (metrics, output) = Create();

        metrics.Increment("EventsIn", 3);
        metrics.Record("StreamToIngest", 12);
        metrics.Record("StreamToIngest", 40.5);
        metrics.Flush();

        var line = Assert.Single(Lines(output));
        AssertValidEmf(line);
        Assert.Equal([12, 40.5], line.GetProperty("StreamToIngest").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(3, line.GetProperty("EventsIn").GetDouble());
    }

    [Fact]
    public void Flush_MoreValuesThanALineHolds_ContinuesOnFurtherLinesWithEveryValue()
    {
        var (metrics, output) = Create();
        metrics.Increment("EventsIn", 250);
        for (var i = 0; i < 250; i++)
        {
            metrics.Record("StreamToIngest", i);
        }

        metrics.Flush();

        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, AssertValidEmf);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => (double)i), lines.SelectMany(l => l.GetProperty("StreamToIngest").EnumerateArray().Select(v => v.GetDouble())));
        Assert.Equal(1, lines.Count(l => l.TryGetProperty("EventsIn", out _)));
    }

    [Fact]
    public void Record_NameAlreadyACounter_IsRefused()
    {
        var (metrics, _) = Create();
        metrics.Increment("BatchDuration", 3, "Milliseconds");

        var ex = Assert.Throws<ArgumentException>(() => metrics.Record("BatchDuration", 3));

        Assert.Contains("counter", ex.Message, StringComparison.Ordinal);
    }
}
