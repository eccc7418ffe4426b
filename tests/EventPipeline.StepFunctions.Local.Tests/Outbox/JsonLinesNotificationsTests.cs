using EventPipeline.StepFunctions.Local.Clients;
using EventPipeline.StepFunctions.Local.Outbox;

namespace EventPipeline.StepFunctions.Local.Tests.Outbox;

public sealed class JsonLinesNotificationsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "outbox-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task SendEmailAsync_ThenReadAll_RoundTripsOneLine()
    {
        using var outbox = JsonLinesNotifications.InDirectory(_dir);

        var messageId = await outbox.SendEmailAsync(new SesV2Email("from@b.c", ["a@b.c"], "Reminder", "hi \"there\"\nline 2"), default);
        var read = await outbox.ReadAllAsync(default);

        Assert.Equal(new OutboxEntry(OutboxChannels.Email, "a@b.c", "Reminder", "hi \"there\"\nline 2", messageId, "from@b.c"), Assert.Single(read));
        Assert.Single(File.ReadAllLines(outbox.Path));
    }

    [Fact]
    public async Task ReadAllAsync_SecondProcessWritesTheSameFile_SeesItsNotifications()
    {
        using var stack = JsonLinesNotifications.InDirectory(_dir);
        using var cli = JsonLinesNotifications.InDirectory(_dir);

        await cli.PublishAsync(new SnsPublishRequest("call back", PhoneNumber: "+15550100"), default);

        var entry = Assert.Single(await stack.ReadAllAsync(default));
        Assert.Equal((OutboxChannels.Sms, "+15550100", "call back"), (entry.Channel, entry.To, entry.Message));
    }

    [Fact]
    public async Task ReadAllAsync_TruncatedAndOldShapedLines_SkipsThemKeepsTheRest()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, JsonLinesNotifications.DefaultFileName);
        await File.WriteAllTextAsync(path, """
            {"time":"2025-01-02T03:04:05Z","executionId":"arn:x","channel":"email","to":"a@b.c","subject":"s","message":"old"}
            {"channel":"sms","to":"+15550100","subject":null,"message":"kept","messageId":"m-1","from":null}
            {"channel":"sms","to":"+1555
            """);
        using var outbox = new JsonLinesNotifications(path);

        var read = await outbox.ReadAllAsync(default);

        Assert.Equal("kept", Assert.Single(read).Message);
    }
}
