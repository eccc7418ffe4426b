using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Exactness;

/// <summary>
/// Copies of the aggregates and dedup tables (same keys, no stream) in the shared DynamoDB Local. The property suite
/// writes tens of thousands of items; on the shared tables the stack's publisher would read every one of them off the
/// stream and write change-log items, tripling the load on an emulator that does ~560 writes/s. The store under test
/// is the same code, only the table names differ.
/// </summary>
internal static class ExactnessTables
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ExactnessTableNames? _settings;

    public static async Task<ExactnessTableNames> EnsureAsync(IAmazonDynamoDB dynamo, PipelineSettings shared)
    {
        await Gate.WaitAsync();
        try
        {
            if (_settings is not null)
            {
                return _settings;
            }

            var settings = new ExactnessTableNames(shared.AggregatesTable + "-exactness", shared.DedupTable + "-exactness", shared.GracePeriod);
            await CopyAsync(dynamo, shared.AggregatesTable, settings.AggregatesTable);
            await CopyAsync(dynamo, shared.DedupTable, settings.DedupTable);
            _settings = settings;
            return settings;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task CopyAsync(IAmazonDynamoDB dynamo, string from, string to)
    {
        var source = (await dynamo.DescribeTableAsync(from)).Table;
        var keyNames = source.KeySchema.Select(k => k.AttributeName).ToHashSet(StringComparer.Ordinal);
        try
        {
            await dynamo.CreateTableAsync(new CreateTableRequest
            {
                TableName = to,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = source.KeySchema,
                AttributeDefinitions = source.AttributeDefinitions.Where(a => keyNames.Contains(a.AttributeName)).ToList(),
            });
        }
        catch (ResourceInUseException)
        {
            // Created by an earlier run against the same (external) emulator.
        }
    }
}

/// <summary>The copies' names, and the grace period the deployed Ingest function folds with.</summary>
internal sealed record ExactnessTableNames(string AggregatesTable, string DedupTable, TimeSpan GracePeriod);
