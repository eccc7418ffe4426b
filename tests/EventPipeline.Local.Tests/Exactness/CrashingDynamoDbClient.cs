using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>How an armed <see cref="CrashingDynamoDbClient"/> fails.</summary>
public enum CrashMode
{
    /// <summary>Throws a DynamoDB error before the write reaches the table (a refused write: the store reports the key as failed).</summary>
    RefusedBeforeWrite,

    /// <summary>Writes, then throws a DynamoDB error (the write happened but the caller believes it failed).</summary>
    LostResponseAfterWrite,

    /// <summary>Throws a non-AWS exception before the write: the function invocation dies and the whole batch is redelivered.</summary>
    CrashBeforeWrite,

    /// <summary>Writes, then the invocation dies.</summary>
    CrashAfterWrite,
}

/// <summary>Thrown by <see cref="CrashingDynamoDbClient"/> to simulate the function dying mid-batch.</summary>
public sealed class InjectedCrashException(string message) : Exception(message);

/// <summary>
/// A real DynamoDB client (DynamoDB Local) whose writes fail on demand: armed with N, the (N+1)-th PutItem or
/// BatchWriteItem from then on fails in the armed <see cref="CrashMode"/>, then the client disarms itself.
/// </summary>
public sealed class CrashingDynamoDbClient(Uri endpoint)
    : AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "us-east-1" })
{
    private int _remaining = -1;
    private CrashMode _mode;

    /// <summary>Writes that went through (puts and batch writes).</summary>
    public int Writes => Volatile.Read(ref _writes);

    private int _writes;

    private int _triggered;

    /// <summary>Failures injected so far (a crash suite that injects none proves nothing).</summary>
    public int Triggered => Volatile.Read(ref _triggered);

    /// <summary>Arms the client: <paramref name="afterWrites"/> more writes succeed, the next one fails.</summary>
    public void Arm(int afterWrites, CrashMode mode)
    {
        _mode = mode;
        Volatile.Write(ref _remaining, afterWrites);
    }

    /// <summary>Stops failing.</summary>
    public void Disarm() => Volatile.Write(ref _remaining, -1);

    public override async Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken = default)
    {
        var fail = ShouldFail();
        if (fail is { } before && !WritesFirst(before))
        {
            throw Failure(before);
        }

        var response = await base.PutItemAsync(request, cancellationToken);
        Interlocked.Increment(ref _writes);
        if (fail is { } after)
        {
            throw Failure(after);
        }

        return response;
    }

    public override async Task<BatchWriteItemResponse> BatchWriteItemAsync(BatchWriteItemRequest request, CancellationToken cancellationToken = default)
    {
        var fail = ShouldFail();
        if (fail is { } before && !WritesFirst(before))
        {
            throw Failure(before);
        }

        var response = await base.BatchWriteItemAsync(request, cancellationToken);
        Interlocked.Increment(ref _writes);
        if (fail is { } after)
        {
            throw Failure(after);
        }

        return response;
    }

    private CrashMode? ShouldFail()
    {
        while (true)
        {
            var r = Volatile.Read(ref _remaining);
            if (r < 0)
            {
                return null;
            }

            // r == 0: this call fails and disarms; r > 0: count down.
            if (Interlocked.CompareExchange(ref _remaining, r - 1, r) == r)
            {
                if (r == 0)
                {
                    Interlocked.Increment(ref _triggered);
                    return _mode;
                }

                return null;
            }
        }
    }

    private static bool WritesFirst(CrashMode mode) => mode is CrashMode.LostResponseAfterWrite or CrashMode.CrashAfterWrite;

    private static Exception Failure(CrashMode mode) => mode is CrashMode.RefusedBeforeWrite or CrashMode.LostResponseAfterWrite
        ? new AmazonDynamoDBException("injected write failure")
        : new InjectedCrashException("injected crash");
}
