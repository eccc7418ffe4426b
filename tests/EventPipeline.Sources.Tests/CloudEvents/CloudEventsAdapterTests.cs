using System.Text;
using EventPipeline.Sources.CloudEvents;

namespace EventPipeline.Sources.Tests.CloudEvents;

public sealed class CloudEventsAdapterTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static Task<AdapterResult> Adapt(string body, string tenant = "t1") =>
        new CloudEventsAdapter().AdaptAsync(new IngestEnvelope(tenant, "cloudevents", ReceivedAt, new Dictionary<string, string>(), body), CancellationToken.None).AsTask();

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1"}""", true)]
    [InlineData("""{"data":{"specversion":"x"},"type":"t","specversion":"1.0"}""", true)]
    [InlineData("""{"tenant":"t","source":"s","body":"{\"specversion\":\"1.0\"}"}""", false)]
    [InlineData("""{"data":{"specversion":"1.0"}}""", false)]
    [InlineData("""[{"specversion":"1.0"}]""", false)]
    [InlineData("""{"specver""", false)]
    [InlineData("", false)]
    [InlineData("not json", false)]
    public void LooksLikeCloudEvent_Record_DetectsTopLevelSpecversion(string json, bool expected)
    {
        Assert.Equal(expected, CloudEventsAdapter.LooksLikeCloudEvent(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public async Task AdaptAsync_EnvelopeTenantEmpty_UsesTenantExtension()
    {
        var result = await Adapt("""{"specversion":"1.0","id":"1","source":"/s","type":"a.b","tenant":"acme"}""", tenant: "");

        Assert.Equal("acme", Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events).Tenant);
    }

    [Fact]
    public async Task AdaptAsync_NoTenantAnywhere_RejectsTenantRequired()
    {
        var result = await Adapt("""{"specversion":"1.0","id":"1","source":"/s","type":"a.b"}""", tenant: "");

        var rejected = Assert.IsType<AdapterResult.Rejected>(result);
        Assert.Equal("tenant", rejected.Reason.Field);
        Assert.Equal("required", rejected.Reason.Rule);
    }

    [Theory]
    [InlineData("""{"id":"1","source":"/s","type":"a"}""", "specversion")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"a"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":"1","type":"a"}""", "source")]
    [InlineData("""{"specversion":"1.0","id":"","source":"/s","type":"a"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":7}""", "type")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"a","time":"noon"}""", "time")]
    [InlineData("""[]""", "body")]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"/s","type":"a"},{"specversion":"1.0","id":"1","source":"/s","type":"a"}]""", "body")]
    public async Task AdaptAsync_InvalidAttribute_RejectsNamingIt(string body, string field)
    {
        var rejected = Assert.IsType<AdapterResult.Rejected>(await Adapt(body));

        Assert.Equal(field, rejected.Reason.Field);
    }

    [Fact]
    public async Task AdaptAsync_DataObject_NumbersAreMeasuresOthersAttributes()
    {
        var result = await Adapt("""{"specversion":"1.0","id":"1","source":"/s","type":"a.order","subject":"o-1","data":{"total":12.5,"paid":true,"note":"x","items":[1]}}""");

        var e = Assert.Single(Assert.IsType<AdapterResult.Accepted>(result).Events);
        Assert.Equal(12.5m, e.Measures["total"]);
        Assert.Equal("true", e.Attributes["paid"]);
        Assert.Equal("x", e.Attributes["note"]);
        Assert.False(e.Attributes.ContainsKey("items"));
        Assert.Equal("order/o-1", e.Entity.ToString());
        Assert.Equal(ReceivedAt, e.OccurredAt);
    }
}
