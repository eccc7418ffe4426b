using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Aggregates;

namespace EventPipeline.Aws.Tests.Aggregates;

/// <summary>Item sizes by DynamoDB's rules, checked on hand-counted items.</summary>
public sealed class ItemSizeTests
{
    [Fact]
    public void Bytes_StringNumberBinaryAndMap_CountNamesValuesAndOverheads()
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = "abc" },                                     // 2 + 3
            ["n"] = new() { N = "-12.3400" },                                 // 1 + (4 digits / 2) + 1
            ["b"] = new() { B = new MemoryStream(new byte[10]) },             // 1 + 10
            ["m"] = new() { M = new() { ["x"] = new() { S = "yz" } } },       // 1 + 3 + (1 + 1 + 2)
        };

        Assert.Equal(5 + 4 + 11 + 8, ItemSize.Bytes(item));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1024, 1)]
    [InlineData(1025, 2)]
    [InlineData(3500, 4)]
    public void WriteUnits_RoundUpToStartedKilobytes(int bytes, int units) => Assert.Equal(units, ItemSize.WriteUnits(bytes));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4096, 1)]
    [InlineData(4097, 2)]
    public void ReadUnits_RoundUpToStartedFourKilobytes(int bytes, int units) => Assert.Equal(units, ItemSize.ReadUnits(bytes));
}
