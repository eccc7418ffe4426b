using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Outbox;

namespace EventPipeline.StepFunctions.Local.Tests.Outbox;

public class InMemoryNotificationsTests
{
    [Fact]
    public async Task SendEmailAsync_TwoRecipients_OneEntryEachWithTheCallsMessageId()
    {
        var outbox = new InMemoryNotifications();

        var messageId = await outbox.SendEmailAsync(new SesV2Email("from@b.c", ["a@b.c", "c@d.e"], "S", "text", "<p>html</p>"), default);

        var entries = await outbox.ReadAllAsync(default);
        Assert.Equal(["a@b.c", "c@d.e"], entries.Select(e => e.To));
        Assert.All(entries, e => Assert.Equal((messageId, "<p>html</p>", "from@b.c"), (e.MessageId, e.Message, e.From)));
    }

    [Fact]
    public async Task PublishAsync_TwoCalls_DistinctMessageIdsInOrder()
    {
        var outbox = new InMemoryNotifications();

        var first = await outbox.PublishAsync(new SnsPublishRequest("one", PhoneNumber: "+15550100"), default);
        var second = await outbox.PublishAsync(new SnsPublishRequest("two", PhoneNumber: "+15550101"), default);

        Assert.NotEqual(first, second);
        Assert.Equal([first, second], (await outbox.ReadAllAsync(default)).Select(e => e.MessageId));
    }
}
