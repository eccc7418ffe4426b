using EventPipeline.Application.DeadLetters;
using EventPipeline.Aws.DeadLetters;

namespace EventPipeline.Aws.Tests.DeadLetters;

/// <summary>The dead-letter sink builds its SQS client on the first dead letter, not at a function's cold start.</summary>
public sealed class SqsDeadLetterSinkTests
{
    private sealed class ClientCreated : Exception;

    [Fact]
    public async Task SendAsync_NoEntries_NeverCreatesTheClient()
    {
        var created = 0;
        var sink = new SqsDeadLetterSink(() => { created++; throw new ClientCreated(); }, "https://sqs.eu-west-1.amazonaws.com/000000000000/dlq");

        await sink.SendAsync([], CancellationToken.None);

        Assert.Equal(0, created);
    }

    [Fact]
    public async Task SendAsync_FirstEntry_CreatesTheClientThen()
    {
        var created = 0;
        var sink = new SqsDeadLetterSink(() => { created++; throw new ClientCreated(); }, "https://sqs.eu-west-1.amazonaws.com/000000000000/dlq");
        Assert.Equal(0, created);

        await Assert.ThrowsAsync<ClientCreated>(() => sink.SendAsync([new DeadLetterEntry { Id = "shardId-000000000000/1", Category = "malformed" }], CancellationToken.None));

        Assert.Equal(1, created);
    }
}
