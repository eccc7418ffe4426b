using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Local.Tests.Integration;
using EventPipeline.Topology;

namespace EventPipeline.Local.Tests.Iam;

/// <summary>
/// IAM is enforced from the template: the synthesized templates with a grant taken away (the two the first release
/// lacked in AWS: the Connections function's <c>execute-api:ManageConnections</c>, Publish's <c>dynamodb:BatchWriteItem</c>
/// on the connections table), deployed as a second stack on the same emulators, fail exactly where AWS failed.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class GrantRemovalTests(LocalStackFixture fx)
{
    private const string Prefix = "Mutant";

    [Fact]
    public async Task WithoutTheirGrants_ConnectionsAnswersInternalServerError_PublishCannotRemoveAGoneConnection()
    {
        var templates = MutatedCopy(fx.Stack.Synth.Directory);
        var log = new StringBuilder();
        await using var mutant = await LocalStack.StartAsync(fx.Options(
            new Uri(fx.Stack.Endpoints.KinesisEndpoint), new Uri(fx.Stack.Endpoints.DynamoDbEndpoint), new Uri(fx.Stack.Endpoints.MotoEndpoint)) with
        {
            TemplateDirectory = templates,
            // The fixture's folder: the same webhook secrets, which both stacks seed into the one SSM they share.
            DataDirectory = fx.Stack.DataDirectory,
            Log = m => { lock (log) { log.AppendLine(m); } },
        });
        var tenant = LocalStackFixture.NewTenant("grant");
        var connectionsRole = mutant.Deployment.Function(EventPipeline.Connections.ConnectionsComposition.FunctionKey).Role.Name;
        var publishRole = mutant.Deployment.Function(EventPipeline.Publish.PublishComposition.FunctionKey).Role.Name;

        // 1. Every answer of the Connections function goes through @connections: denied, so the client gets API Gateway's error.
        using var ws = new System.Net.WebSockets.ClientWebSocket();
        await ws.ConnectAsync(new Uri($"{mutant.Endpoints.WebSocketUrl}?token={Uri.EscapeDataString(mutant.IssueToken(tenant))}"), CancellationToken.None);
        await using var client = new TestSocket(ws);
        await client.SendAsync("""{"action":"ping"}""");
        await client.WaitForAsync(m => m.TryGetProperty("message", out var message) && message.GetString() == "Internal server error", "API Gateway's error for a failed route");
        Assert.Contains(mutant.Edge.RecentDenials, d => d.Principal == connectionsRole && d.Action == "execute-api:ManageConnections");

        // 2. A subscription of a connection that is gone: Publish's post answers 410, and removing the connection needs
        // BatchWriteItem, which is denied.
        var connections = mutant.Deployment.Table(PipelineTopology.Tables.Connections).Name;
        const string gone = "gone-connection=";
        await mutant.Aws.DynamoDb.PutItemAsync(connections, new Dictionary<string, AttributeValue>
        {
            ["pk"] = new("CONN#" + gone),
            ["sk"] = new(EventPipeline.Aws.Connections.DynamoConnectionStore.SubscriptionSortKey("tenant")),
            [PipelineTopology.Tables.ChannelKey] = new(EventPipeline.Aws.Connections.DynamoConnectionStore.IndexKey(tenant, "tenant")),
            [PipelineTopology.Tables.ChannelSortKey] = new(gone),
            ["channel"] = new("tenant"),
            ["tenant"] = new(tenant),
        });
        await mutant.Aws.Kinesis.PutRecordAsync(mutant.Settings.EventsStream, tenant, LocalStackFixture.CloudEvent(tenant, "g-1", "order/1"), CancellationToken.None);
        await LocalStackFixture.EventuallyAsync(
            () => Task.FromResult(mutant.Edge.RecentDenials.FirstOrDefault(d => d.Principal == publishRole && d.Action == "dynamodb:BatchWriteItem")),
            $"Publish's BatchWriteItem denied\n{log}");

        // The same paths on the stack deployed from the unmodified templates were never denied.
        Assert.DoesNotContain(fx.Stack.Edge.RecentDenials, d => d.Action is "execute-api:ManageConnections" or "dynamodb:BatchWriteItem");
    }

    /// <summary>
    /// A copy of the cloud assembly under other stack names (so its resources do not collide with the fixture's), with
    /// the two grants removed from the roles' policies.
    /// </summary>
    private static string MutatedCopy(string cdkOut)
    {
        var target = Path.Combine(Path.GetTempPath(), "eventpipeline-mutant-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(cdkOut, "*.json"))
        {
            var text = File.ReadAllText(file).Replace("EventPipeline-", Prefix + "-", StringComparison.Ordinal);
            var name = Path.GetFileName(file).Replace("EventPipeline-", Prefix + "-", StringComparison.Ordinal);
            if (name.EndsWith(".template.json", StringComparison.Ordinal))
            {
                text = RemoveGrants(text);
            }

            File.WriteAllText(Path.Combine(target, name), text);
        }

        return target;
    }

    private static string RemoveGrants(string template)
    {
        var root = JsonNode.Parse(template)!;
        var removed = 0;
        foreach (var (logicalId, resource) in root["Resources"]!.AsObject())
        {
            if ((string?)resource!["Type"] != "AWS::IAM::Policy")
            {
                continue;
            }

            var statements = resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
            if (logicalId.StartsWith("WebSocketApiConnectionsFunction", StringComparison.Ordinal))
            {
                foreach (var s in statements.Where(s => s!["Action"]!.ToJsonString().Contains("execute-api:ManageConnections", StringComparison.Ordinal)).ToList())
                {
                    statements.Remove(s);
                    removed++;
                }
            }
            else if (logicalId.StartsWith("PublishingPublishFunction", StringComparison.Ordinal))
            {
                foreach (var s in statements)
                {
                    if (s!["Action"] is JsonArray actions && actions.Select(a => (string?)a).SequenceEqual(["dynamodb:BatchWriteItem", "dynamodb:DeleteItem"]))
                    {
                        s["Action"] = "dynamodb:DeleteItem";
                        removed++;
                    }
                }
            }
        }

        return removed == 0 ? template : root.ToJsonString();
    }
}
