using EventPipeline.Bus;
using EventPipeline.Lambda.Events;
using LambdaAttribute = EventPipeline.Lambda.Events.DynamoDBEvent.AttributeValue;

namespace EventPipeline.Local.Tests.Delivery;

/// <summary>Change-log stream records become the entries the bus is fed: every entry of a new page, in sequence order.</summary>
public sealed class BusChangesTests
{
    [Fact]
    public void ToChanges_PageEarlierLayoutRewriteAndHead_EveryEntryOfTheNewItemsOnly()
    {
        var input = new DynamoDBEvent
        {
            Records =
            [
                Record("INSERT", "1", Image("C#acme#tenant", "00000000000000000007", ("payloads", new LambdaAttribute { L = [S("{\"n\":7}"), S("{\"n\":8}")] }))),
                Record("INSERT", "2", Image("C#acme#entity/order/1", "00000000000000000003", ("payload", S("{\"n\":3}")))),
                Record("MODIFY", "3", Image("C#acme#tenant", "00000000000000000007", ("payloads", new LambdaAttribute { L = [S("{\"n\":7}")] }))),
                Record("INSERT", "4", Image("C#acme#tenant", "#head", ("seq", new LambdaAttribute { N = "8" }))),
            ],
        };

        var changes = BusFunction.ToChanges(input);

        Assert.Equal(
            [("1", "acme", "tenant", 7L, "{\"n\":7}"), ("1", "acme", "tenant", 8L, "{\"n\":8}"), ("2", "acme", "entity/order/1", 3L, "{\"n\":3}")],
            changes.Select(c => (c.RecordId, c.Tenant, c.Channel, c.Sequence, c.Payload)));
    }

    private static LambdaAttribute S(string s) => new() { S = s };

    private static Dictionary<string, LambdaAttribute> Image(string pk, string sk, params (string Name, LambdaAttribute Value)[] rest)
    {
        var image = new Dictionary<string, LambdaAttribute> { ["pk"] = S(pk), ["sk"] = S(sk) };
        foreach (var (name, value) in rest)
        {
            image[name] = value;
        }

        return image;
    }

    private static DynamoDBEvent.DynamodbStreamRecord Record(string eventName, string sequence, Dictionary<string, LambdaAttribute> image) => new()
    {
        EventName = eventName,
        Dynamodb = new DynamoDBEvent.StreamRecord { NewImage = image, SequenceNumber = sequence },
    };
}
