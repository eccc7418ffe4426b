using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.SQS.Model;
using EventPipeline.Aws;
using EventPipeline.Aws.Clients;
using EventPipeline.Local.Iam;
using EventPipeline.Topology;

namespace EventPipeline.Local.Deploy;

/// <summary>
/// Deploys a cloud assembly on the local emulators, the way CloudFormation would: every resource of the templates gets
/// a physical name (<c>{stack}-{logicalId}</c>, as CloudFormation names unnamed resources, without the random suffix),
/// streams, tables and queues are created (idempotently, so a restart keeps their data), and functions, roles,
/// mappings, APIs and the state machine are read with every intrinsic resolved to local names and endpoints. A
/// resource type it does not know fails the deploy naming it: nothing in a template is skipped silently.
/// </summary>
public sealed partial class LocalDeployer
{
    /// <summary>Types that have no local counterpart, and why (listed in the README's local/AWS differences).</summary>
    public static readonly IReadOnlyDictionary<string, string> NotDeployedLocally = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS::CloudWatch::Alarm"] = "no CloudWatch locally: the same counters are on /metrics and the dashboard",
        ["AWS::Logs::LogGroup"] = "functions log to the local stack's log instead",
        ["AWS::CDK::Metadata"] = "CDK bookkeeping",
    };

    private readonly AwsClients _admin;
    private readonly IntrinsicResolver _resolver;
    private readonly LocalDeployOptions _options;

    /// <summary>A deployer creating resources through <paramref name="admin"/>.</summary>
    public LocalDeployer(AwsClients admin, LocalDeployOptions options)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(options);
        _admin = admin;
        _options = options;
        _resolver = new IntrinsicResolver(options.Region, options.AccountId);
    }

    /// <summary>The resolver, with every deployed resource registered (the CLI and tests resolve outputs with it).</summary>
    public IntrinsicResolver Resolver => _resolver;

    /// <summary>Deploys <paramref name="assembly"/>'s stacks in dependency order.</summary>
    public async Task<LocalDeployment> DeployAsync(CloudAssembly assembly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var streams = new List<DeployedStream>();
        var consumers = new List<DeployedStreamConsumer>();
        var tables = new List<DeployedTable>();
        var queues = new List<DeployedQueue>();
        var buses = new List<DeployedEventBus>();
        foreach (var stack in assembly.Stacks)
        {
            var included = stack.Resources.Where(_resolver.IsIncluded).ToList();
            // Rules name their bus: register them after everything they may refer to.
            foreach (var resource in included.OrderBy(r => r.Type == "AWS::Events::Rule" ? 1 : 0))
            {
                Register(resource);
            }

            foreach (var resource in included)
            {
                switch (resource.Type)
                {
                    case "AWS::Kinesis::Stream":
                        streams.Add(await CreateStreamAsync(resource, cancellationToken));
                        break;
                    case "AWS::DynamoDB::Table":
                        tables.Add(await CreateTableAsync(resource, cancellationToken));
                        break;
                    case "AWS::SQS::Queue":
                        queues.Add(await CreateQueueAsync(resource, cancellationToken));
                        break;
                    case "AWS::Events::EventBus":
                        buses.Add(await CreateEventBusAsync(resource, cancellationToken));
                        break;
                }
            }

            // Archives and rules after the buses and queues they name.
            foreach (var resource in included)
            {
                switch (resource.Type)
                {
                    case "AWS::Events::Archive":
                        await CreateArchiveAsync(resource, cancellationToken);
                        break;
                    case "AWS::Events::Rule":
                        await CreateRuleAsync(resource, cancellationToken);
                        break;
                }
            }

            // After the streams: a consumer names its stream's ARN, and its own ARN is known once it is registered.
            foreach (var resource in included.Where(r => r.Type == "AWS::Kinesis::StreamConsumer"))
            {
                consumers.Add(await RegisterConsumerAsync(resource, cancellationToken));
            }

            _resolver.RecordExports(stack);
        }

        var all = assembly.Stacks.SelectMany(s => s.Resources.Where(_resolver.IsIncluded)).ToList();
        var roles = Roles(all);
        return new LocalDeployment
        {
            Streams = streams,
            StreamConsumers = consumers,
            Tables = tables,
            Queues = queues,
            EventBuses = buses,
            Roles = roles.Values.ToList(),
            Functions = all.Where(r => r.Type == "AWS::Lambda::Function").Select(r => Function(r, roles)).ToList(),
            EventSourceMappings = all.Where(r => r.Type == "AWS::Lambda::EventSourceMapping").Select(Mapping).ToList(),
            Apis = all.Where(r => r.Type == "AWS::ApiGatewayV2::Api").Select(a => Api(a, all)).ToList(),
            StateMachines = all.Where(r => r.Type == "AWS::StepFunctions::StateMachine").Select(r => StateMachine(r, roles)).ToList(),
            Permissions = all.Where(r => r.Type == "AWS::Lambda::Permission").Select(Permission).ToList(),
        };
    }

    /// <summary>
    /// Creates again the resources of <paramref name="resourceType"/> that <see cref="DeployAsync"/> created (after an
    /// emulator that held them in memory was restarted). Names and ARNs stay as they were.
    /// </summary>
    public async Task RecreateAsync(CloudAssembly assembly, string resourceType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var resource in assembly.Stacks.SelectMany(s => s.Resources).Where(r => r.Type == resourceType && _resolver.IsIncluded(r)))
        {
            switch (resourceType)
            {
                case "AWS::Kinesis::Stream":
                    await CreateStreamAsync(resource, cancellationToken);
                    break;
                case "AWS::DynamoDB::Table":
                    await CreateTableAsync(resource, cancellationToken);
                    break;
                case "AWS::SQS::Queue":
                    await CreateQueueAsync(resource, cancellationToken);
                    break;
                case "AWS::Kinesis::StreamConsumer":
                    await RegisterConsumerAsync(resource, cancellationToken);
                    break;
                default:
                    throw new ArgumentException($"cannot re-create {resourceType}", nameof(resourceType));
            }
        }
    }

    /// <summary>
    /// The resource policies of the templates (SQS queue policies), by the ARN they protect; the edge evaluates their
    /// explicit denies.
    /// </summary>
    public IReadOnlyList<(string ResourceArn, IReadOnlyList<PolicyStatement> Statements)> ResourcePolicies(CloudAssembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var result = new List<(string, IReadOnlyList<PolicyStatement>)>();
        foreach (var policy in assembly.Stacks.SelectMany(s => s.OfType("AWS::SQS::QueuePolicy")))
        {
            var statements = PolicyStatement.FromDocument(Resolved(policy, "PolicyDocument"));
            foreach (var queueUrl in (Resolved(policy, "Queues") as JsonArray ?? []).Select(q => q!.ToString()))
            {
                result.Add((QueueArnOfUrl(queueUrl), statements));
            }
        }

        return result;
    }

    /// <summary>
    /// A local name in CloudFormation's style for a resource without an explicit name: <c>{stack}-{logicalId}</c>,
    /// shortened with a stable hash when it exceeds the service's limit.
    /// </summary>
    public static string PhysicalName(TemplateResource resource, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var name = $"{resource.Stack.StackName}-{resource.LogicalId}";
        if (name.Length <= maxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..(maxLength - 9)] + "-" + hash;
    }

    private void Register(TemplateResource r)
    {
        var region = _options.Region;
        var account = _options.AccountId;
        string Named(string property, int max) => r.Properties[property] is { } explicitName ? _resolver.ResolveString(r.Stack, explicitName) : PhysicalName(r, max);
        switch (r.Type)
        {
            case "AWS::Kinesis::Stream":
                {
                    var name = Named("Name", 128);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:kinesis:{region}:{account}:stream/{name}" });
                    break;
                }

            case "AWS::Kinesis::StreamConsumer":
                {
                    // Ref and ConsumerARN carry the creation time AWS puts in the ARN: registered again once it exists.
                    var name = _resolver.ResolveString(r.Stack, r.Properties["ConsumerName"]);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["ConsumerName"] = name });
                    break;
                }

            case "AWS::DynamoDB::Table":
                {
                    var name = Named("TableName", 255);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:dynamodb:{region}:{account}:table/{name}" });
                    break;
                }

            case "AWS::SQS::Queue":
                {
                    var name = Named("QueueName", 80);
                    var url = new Uri(_options.AwsEndpoint, $"{account}/{name}").ToString();
                    _resolver.Register(r, url, new Dictionary<string, string>
                    {
                        ["Arn"] = $"arn:aws:sqs:{region}:{account}:{name}",
                        ["QueueName"] = name,
                        ["QueueUrl"] = url,
                    });
                    break;
                }

            case "AWS::Events::EventBus":
                {
                    var name = Named("Name", 256);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:events:{region}:{account}:event-bus/{name}", ["Name"] = name });
                    break;
                }

            case "AWS::Events::Archive":
                {
                    var name = Named("ArchiveName", 48);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:events:{region}:{account}:archive/{name}" });
                    break;
                }

            case "AWS::Events::Rule":
                {
                    // Ref of a rule on a custom bus is "{bus}|{rule}"; its ARN names both.
                    var name = Named("Name", 64);
                    var bus = r.Properties["EventBusName"] is { } busName ? _resolver.ResolveString(r.Stack, busName) : "default";
                    var arn = bus == "default" ? $"arn:aws:events:{region}:{account}:rule/{name}" : $"arn:aws:events:{region}:{account}:rule/{bus}/{name}";
                    _resolver.Register(r, bus == "default" ? name : $"{bus}|{name}", new Dictionary<string, string> { ["Arn"] = arn });
                    break;
                }

            case "AWS::IAM::Role":
                {
                    var name = Named("RoleName", 64);
                    _resolver.Register(r, name, new Dictionary<string, string>
                    {
                        ["Arn"] = $"arn:aws:iam::{account}:role/{name}",
                        ["RoleId"] = "AROA" + Hash(name, 16).ToUpperInvariant(),
                    });
                    break;
                }

            case "AWS::Lambda::Function":
                {
                    var name = Named("FunctionName", 64);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:lambda:{region}:{account}:function:{name}" });
                    break;
                }

            case "AWS::StepFunctions::StateMachine":
                {
                    var name = Named("StateMachineName", 80);
                    var arn = $"arn:aws:states:{region}:{account}:stateMachine:{name}";
                    _resolver.Register(r, arn, new Dictionary<string, string> { ["Arn"] = arn, ["Name"] = name });
                    break;
                }

            case "AWS::ApiGatewayV2::Api":
                {
                    // API Gateway ids are 10 lower-case alphanumerics; a stable one keeps ARNs and URLs stable across restarts.
                    var id = Hash(r.Stack.StackName + "/" + r.LogicalId, 10);
                    var scheme = (string?)r.Properties["ProtocolType"] == "WEBSOCKET" ? "wss" : "https";
                    _resolver.Register(r, id, new Dictionary<string, string> { ["ApiEndpoint"] = $"{scheme}://{id}.execute-api.{region}.amazonaws.com", ["ApiId"] = id });
                    break;
                }

            case "AWS::ApiGatewayV2::Stage":
                _resolver.Register(r, _resolver.ResolveString(r.Stack, r.Properties["StageName"]));
                break;
            case "AWS::ApiGatewayV2::Integration" or "AWS::ApiGatewayV2::Route" or "AWS::ApiGatewayV2::Authorizer":
                _resolver.Register(r, Hash(r.Stack.StackName + "/" + r.LogicalId, 7));
                break;
            case "AWS::IAM::Policy":
                _resolver.Register(r, _resolver.ResolveString(r.Stack, r.Properties["PolicyName"]));
                break;
            case "AWS::Lambda::EventSourceMapping" or "AWS::Lambda::Permission" or "AWS::SQS::QueuePolicy":
                _resolver.Register(r, Hash(r.Stack.StackName + "/" + r.LogicalId, 12));
                break;
            case "AWS::Logs::LogGroup":
                {
                    var name = r.Properties["LogGroupName"] is { } n ? _resolver.ResolveString(r.Stack, n) : "/aws/local/" + PhysicalName(r, 200);
                    _resolver.Register(r, name, new Dictionary<string, string> { ["Arn"] = $"arn:aws:logs:{region}:{account}:log-group:{name}:*" });
                    break;
                }

            case var type when NotDeployedLocally.ContainsKey(type):
                _resolver.Register(r, PhysicalName(r, 255), new Dictionary<string, string> { ["Arn"] = $"arn:aws:cloudwatch:{region}:{account}:alarm:{PhysicalName(r, 255)}" });
                break;
            default:
                throw new InvalidOperationException(
                    $"stack '{r.Stack.StackName}': the local stack cannot deploy {r.LogicalId} ({r.Type}); teach {nameof(LocalDeployer)} this type, or list it in {nameof(NotDeployedLocally)} with the reason.");
        }
    }

    private async Task<DeployedStream> CreateStreamAsync(TemplateResource r, CancellationToken ct)
    {
        var name = _resolver.RefOf(r);
        var provisioned = _resolver.Resolve(r.Stack, r.Properties["ShardCount"]) is { } count ? int.Parse(count.ToString(), CultureInfo.InvariantCulture) : (int?)null;
        // On-demand streams start with 4 shards in AWS; a provisioned stream has its ShardCount. The option overrides both.
        var shards = _options.Shards ?? provisioned ?? 4;
        try
        {
            await _admin.Kinesis.CreateStreamAsync(name, shards, ct);
            _options.Log?.Invoke($"created stream {name} ({shards} shards)");
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceInUseException")
        {
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        StreamSummary summary;
        while ((summary = await _admin.Kinesis.DescribeStreamSummaryAsync(name, ct)).StreamStatus != "ACTIVE")
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"stream '{name}' did not become ACTIVE within 60 s");
            }

            await Task.Delay(100, ct);
        }

        return new DeployedStream(r.LogicalId, r.NameTag, name, _resolver.AttributeOf(r, "Arn"), summary.OpenShardCount);
    }

    /// <summary>
    /// Registers the consumer on kinesis-mock (or finds it, registered by an earlier start), waits until it is ACTIVE and
    /// makes <c>Ref</c> and <c>Fn::GetAtt … ConsumerARN</c> resolve to its ARN.
    /// </summary>
    private async Task<DeployedStreamConsumer> RegisterConsumerAsync(TemplateResource r, CancellationToken ct)
    {
        var name = _resolver.AttributeOf(r, "ConsumerName");
        var streamArn = _resolver.ResolveString(r.Stack, r.Properties["StreamARN"]);
        StreamConsumer consumer;
        try
        {
            consumer = await _admin.Kinesis.RegisterStreamConsumerAsync(streamArn, name, ct);
            _options.Log?.Invoke($"registered stream consumer {name} on {streamArn}");
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "ResourceInUseException")
        {
            consumer = await _admin.Kinesis.DescribeStreamConsumerAsync(streamArn, name, ct);
        }

        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (consumer.ConsumerStatus != "ACTIVE")
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"stream consumer '{name}' did not become ACTIVE within 60 s");
            }

            await Task.Delay(50, ct);
            consumer = await _admin.Kinesis.DescribeStreamConsumerAsync(consumer.ConsumerArn, ct);
        }

        _resolver.Register(r, consumer.ConsumerArn, new Dictionary<string, string>
        {
            ["ConsumerARN"] = consumer.ConsumerArn,
            ["ConsumerName"] = name,
            ["ConsumerStatus"] = consumer.ConsumerStatus,
            ["StreamARN"] = streamArn,
        });
        return new DeployedStreamConsumer(r.LogicalId, name, consumer.ConsumerArn, streamArn);
    }

    private async Task<DeployedTable> CreateTableAsync(TemplateResource r, CancellationToken ct)
    {
        var name = _resolver.RefOf(r);
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var request = new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = p["AttributeDefinitions"]!.AsArray()
                .Select(a => new AttributeDefinition((string)a!["AttributeName"]!, new ScalarAttributeType((string)a["AttributeType"]!))).ToList(),
            KeySchema = KeySchema(p["KeySchema"]!),
        };
        if (p["GlobalSecondaryIndexes"] is JsonArray indexes)
        {
            request.GlobalSecondaryIndexes = indexes.Select(i => new GlobalSecondaryIndex
            {
                IndexName = (string)i!["IndexName"]!,
                KeySchema = KeySchema(i["KeySchema"]!),
                Projection = new Projection { ProjectionType = new ProjectionType((string)i["Projection"]!["ProjectionType"]!) },
            }).ToList();
        }

        if (p["StreamSpecification"]?["StreamViewType"] is { } view)
        {
            request.StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = new StreamViewType((string)view!) };
        }

        try
        {
            await _admin.DynamoDb.CreateTableAsync(request, ct);
            _options.Log?.Invoke($"created table {name}");
        }
        catch (ResourceInUseException)
        {
            // Kept from an earlier start (DynamoDB Local persists under .eventpipeline/): add the indexes the template
            // gained since, as a CloudFormation stack update would (DynamoDB backfills them from the items).
            await AddMissingIndexesAsync(request, ct);
        }

        var ttl = p["TimeToLiveSpecification"] is { } spec && (bool?)spec["Enabled"] == true ? (string?)spec["AttributeName"] : null;
        if (ttl is not null)
        {
            try
            {
                await _admin.DynamoDb.UpdateTimeToLiveAsync(
                    new UpdateTimeToLiveRequest { TableName = name, TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ttl, Enabled = true } },
                    ct);
            }
            catch (AmazonDynamoDBException ex) when (ex.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
            {
            }
        }

        var described = await _admin.DynamoDb.DescribeTableAsync(name, ct);
        var streamArn = described.Table.LatestStreamArn;
        if (streamArn is not null)
        {
            _resolver.SetAttribute(r, "StreamArn", streamArn);
        }

        return new DeployedTable(r.LogicalId, r.NameTag, name, _resolver.AttributeOf(r, "Arn"), streamArn, ttl);
    }

    private async Task AddMissingIndexesAsync(CreateTableRequest wanted, CancellationToken ct)
    {
        var existing = (await _admin.DynamoDb.DescribeTableAsync(wanted.TableName, ct)).Table.GlobalSecondaryIndexes?.Select(i => i.IndexName).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var index in wanted.GlobalSecondaryIndexes ?? [])
        {
            if (existing.Contains(index.IndexName))
            {
                continue;
            }

            // One index per UpdateTable, as DynamoDB allows.
            var keys = index.KeySchema.Select(k => k.AttributeName).ToHashSet(StringComparer.Ordinal);
            await _admin.DynamoDb.UpdateTableAsync(
                new UpdateTableRequest
                {
                    TableName = wanted.TableName,
                    AttributeDefinitions = wanted.AttributeDefinitions.Where(a => keys.Contains(a.AttributeName)).ToList(),
                    GlobalSecondaryIndexUpdates =
                    [
                        new GlobalSecondaryIndexUpdate
                        {
                            Create = new CreateGlobalSecondaryIndexAction { IndexName = index.IndexName, KeySchema = index.KeySchema, Projection = index.Projection },
                        },
                    ],
                },
                ct);
            var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
            while ((await _admin.DynamoDb.DescribeTableAsync(wanted.TableName, ct)).Table.GlobalSecondaryIndexes?.FirstOrDefault(i => i.IndexName == index.IndexName)?.IndexStatus != IndexStatus.ACTIVE)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"index {index.IndexName} of table '{wanted.TableName}' did not become ACTIVE within 60 s");
                }

                await Task.Delay(100, ct);
            }

            _options.Log?.Invoke($"added index {index.IndexName} to table {wanted.TableName}");
        }
    }

    private async Task<DeployedEventBus> CreateEventBusAsync(TemplateResource r, CancellationToken ct)
    {
        var name = _resolver.RefOf(r);
        await _admin.EventBridge.CreateEventBusAsync(name, ct);
        return new DeployedEventBus(r.LogicalId, name, _resolver.AttributeOf(r, "Arn"));
    }

    private async Task CreateArchiveAsync(TemplateResource r, CancellationToken ct)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var retention = p["RetentionDays"] is { } days ? int.Parse(days.ToString(), CultureInfo.InvariantCulture) : 0;
        await _admin.EventBridge.CreateArchiveAsync(_resolver.RefOf(r), (string)p["SourceArn"]!, retention, ct);
    }

    /// <summary>A rule with its pattern and targets, on moto's EventBridge (which delivers to SQS targets).</summary>
    private async Task CreateRuleAsync(TemplateResource r, CancellationToken ct)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var reference = _resolver.RefOf(r);
        var (bus, name) = reference.Contains('|', StringComparison.Ordinal) ? (reference.Split('|')[0], reference.Split('|')[1]) : ("default", reference);
        await _admin.EventBridge.PutRuleAsync(bus, name, p["EventPattern"]!.ToJsonString(), ct);
        foreach (var target in p["Targets"]?.AsArray() ?? [])
        {
            await _admin.EventBridge.PutTargetAsync(bus, name, (string)target!["Id"]!, (string)target["Arn"]!, ct);
        }
    }

    private async Task<DeployedQueue> CreateQueueAsync(TemplateResource r, CancellationToken ct)
    {
        var name = _resolver.AttributeOf(r, "QueueName");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        foreach (var (property, attribute) in new[] { ("MessageRetentionPeriod", "MessageRetentionPeriod"), ("VisibilityTimeout", "VisibilityTimeout"), ("MaximumMessageSize", "MaximumMessageSize") })
        {
            if (p[property] is { } value)
            {
                attributes[attribute] = value.ToString();
            }
        }

        await _admin.Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes }, ct);
        return new DeployedQueue(r.LogicalId, r.NameTag, name, _resolver.RefOf(r), _resolver.AttributeOf(r, "Arn"));
    }

    private Dictionary<string, IamPrincipal> Roles(IReadOnlyList<TemplateResource> all)
    {
        var statementsByRole = new Dictionary<string, List<PolicyStatement>>(StringComparer.Ordinal);
        foreach (var role in all.Where(r => r.Type == "AWS::IAM::Role"))
        {
            var name = _resolver.RefOf(role);
            var statements = new List<PolicyStatement>();
            foreach (var inline in Resolved(role, "Policies") as JsonArray ?? [])
            {
                statements.AddRange(PolicyStatement.FromDocument(inline!["PolicyDocument"]));
            }

            foreach (var managed in (Resolved(role, "ManagedPolicyArns") as JsonArray ?? []).Select(m => m!.ToString()))
            {
                statements.AddRange(ManagedPolicies.Statements(managed));
            }

            statementsByRole[name] = statements;
        }

        foreach (var policy in all.Where(r => r.Type == "AWS::IAM::Policy"))
        {
            var statements = PolicyStatement.FromDocument(Resolved(policy, "PolicyDocument"));
            foreach (var roleName in (Resolved(policy, "Roles") as JsonArray ?? []).Select(r => r!.ToString()))
            {
                if (statementsByRole.TryGetValue(roleName, out var list))
                {
                    list.AddRange(statements);
                }
            }
        }

        return statementsByRole.ToDictionary(
            r => r.Key,
            r => new IamPrincipal(r.Key, $"arn:aws:iam::{_options.AccountId}:role/{r.Key}", "ASIA" + Hash("key/" + r.Key, 16).ToUpperInvariant(), Hash("secret/" + r.Key, 40), r.Value),
            StringComparer.Ordinal);
    }

    private DeployedFunction Function(TemplateResource r, Dictionary<string, IamPrincipal> roles)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var name = _resolver.RefOf(r);
        var key = r.NameTag ?? throw new InvalidOperationException($"function {r.LogicalId} has no {PipelineTopology.NameTag} tag: the local stack cannot tell which function it is.");
        var roleArn = (string)p["Role"]!;
        var role = roles[roleArn[(roleArn.LastIndexOf('/') + 1)..]];
        var timeout = TimeSpan.FromSeconds((double?)p["Timeout"] ?? 3);
        var memory = (int?)p["MemorySize"] ?? 128;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in p["Environment"]?["Variables"]?.AsObject() ?? [])
        {
            environment[k] = LocalizeUrl(v!.ToString());
        }

        // What Lambda sets in every execution environment (the reserved variables).
        environment["AWS_REGION"] = _options.Region;
        environment["AWS_DEFAULT_REGION"] = _options.Region;
        environment["AWS_LAMBDA_FUNCTION_NAME"] = name;
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = memory.ToString(CultureInfo.InvariantCulture);
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        environment["AWS_ACCESS_KEY_ID"] = role.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = role.SecretAccessKey;
        environment["AWS_SESSION_TOKEN"] = "local-session-" + role.Name;
        // Local only (README: local vs AWS): every AWS call goes to the local endpoint, which checks IAM.
        environment["AWS_ENDPOINT_URL"] = _options.AwsEndpoint.ToString();
        foreach (var (k, v) in _options.ExtraEnvironment(key))
        {
            environment[k] = v;
        }

        return new DeployedFunction(r.LogicalId, key, name, _resolver.AttributeOf(r, "Arn"), environment, timeout, memory, role);
    }

    private DeployedEventSourceMapping Mapping(TemplateResource r)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var functionName = p["FunctionName"]!.ToString();
        var settings = new EventSourceMappingSettings(
            BatchSize: (int?)p["BatchSize"] ?? 100,
            MaximumBatchingWindowSeconds: (int?)p["MaximumBatchingWindowInSeconds"] ?? 0,
            BisectBatchOnFunctionError: (bool?)p["BisectBatchOnFunctionError"] ?? false,
            MaximumRetryAttempts: (int?)p["MaximumRetryAttempts"] ?? -1,
            MaximumRecordAgeSeconds: (int?)p["MaximumRecordAgeInSeconds"] ?? -1,
            ReportBatchItemFailures: p["FunctionResponseTypes"] is JsonArray types && types.Any(t => (string?)t == "ReportBatchItemFailures"),
            ParallelizationFactor: (int?)p["ParallelizationFactor"] ?? 1);
        return new DeployedEventSourceMapping(
            r.LogicalId,
            functionName[(functionName.LastIndexOf(':') + 1)..],
            p["EventSourceArn"]!.ToString(),
            settings,
            (string?)p["StartingPosition"] ?? "TRIM_HORIZON",
            (string?)p["DestinationConfig"]?["OnFailure"]?["Destination"]);
    }

    private DeployedApi Api(TemplateResource api, IReadOnlyList<TemplateResource> all)
    {
        var apiId = _resolver.RefOf(api);
        bool Of(TemplateResource r) => _resolver.ResolveString(r.Stack, r.Properties["ApiId"]) == apiId;
        var integrations = all.Where(r => r.Type == "AWS::ApiGatewayV2::Integration" && r.Stack == api.Stack && Of(r))
            .ToDictionary(r => _resolver.RefOf(r), r => FunctionOfIntegration(_resolver.ResolveString(r.Stack, r.Properties["IntegrationUri"])), StringComparer.Ordinal);
        var authorizers = all.Where(r => r.Type == "AWS::ApiGatewayV2::Authorizer" && r.Stack == api.Stack && Of(r))
            .ToDictionary(
                r => _resolver.RefOf(r),
                r =>
                {
                    var jwt = _resolver.Resolve(r.Stack, r.Properties["JwtConfiguration"])!;
                    return new JwtAuthorizerSettings((string)jwt["Issuer"]!, jwt["Audience"]!.AsArray().Select(a => a!.ToString()).ToList());
                },
                StringComparer.Ordinal);
        var routes = all.Where(r => r.Type == "AWS::ApiGatewayV2::Route" && r.Stack == api.Stack && Of(r))
            .Select(r =>
            {
                var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
                var target = (string)p["Target"]!;
                var integration = target.StartsWith("integrations/", StringComparison.Ordinal) ? target["integrations/".Length..] : target;
                var jwt = (string?)p["AuthorizationType"] == "JWT" ? authorizers[(string)p["AuthorizerId"]!] : null;
                return new DeployedRoute((string)p["RouteKey"]!, integrations[integration], jwt);
            })
            .ToList();
        var stage = all.Where(r => r.Type == "AWS::ApiGatewayV2::Stage" && r.Stack == api.Stack && Of(r)).Select(_resolver.RefOf).FirstOrDefault();
        return new DeployedApi(api.LogicalId, apiId, (string)api.Properties["ProtocolType"]!, stage, (string?)api.Properties["RouteSelectionExpression"], routes);
    }

    private DeployedStateMachine StateMachine(TemplateResource r, Dictionary<string, IamPrincipal> roles)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        var definition = p["DefinitionString"]?.ToString() ?? p["Definition"]!.ToJsonString();
        foreach (var (k, v) in p["DefinitionSubstitutions"]?.AsObject() ?? [])
        {
            definition = definition.Replace("${" + k + "}", v!.ToString(), StringComparison.Ordinal);
        }

        var roleArn = (string)p["RoleArn"]!;
        return new DeployedStateMachine(r.LogicalId, _resolver.AttributeOf(r, "Name"), _resolver.RefOf(r), definition, roles[roleArn[(roleArn.LastIndexOf('/') + 1)..]]);
    }

    private DeployedPermission Permission(TemplateResource r)
    {
        var p = _resolver.Resolve(r.Stack, r.Properties)!.AsObject();
        return new DeployedPermission(p["FunctionName"]!.ToString(), (string)p["Action"]!, (string)p["Principal"]!, (string?)p["SourceArn"]);
    }

    /// <summary>
    /// Endpoints of the deployed APIs resolved to their local counterparts: the WebSocket management endpoint
    /// <c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c> becomes <c>{local AWS endpoint}/{api}/{stage}</c>,
    /// where the edge checks <c>execute-api:ManageConnections</c> and hands the call to the local gateway.
    /// </summary>
    private string LocalizeUrl(string value) => ExecuteApiUrl().Replace(value, m =>
        new Uri(_options.AwsEndpoint, m.Groups["api"].Value + m.Groups["path"].Value).ToString().TrimEnd('/'));

    private string QueueArnOfUrl(string url) => $"arn:aws:sqs:{_options.Region}:{_options.AccountId}:{url.TrimEnd('/').Split('/')[^1]}";

    private static string FunctionOfIntegration(string uri)
    {
        // arn:aws:lambda:r:a:function:NAME, or arn:aws:apigateway:r:lambda:path/2015-03-31/functions/arn:…:function:NAME/invocations.
        var marker = uri.IndexOf(":function:", StringComparison.Ordinal);
        var name = uri[(marker + ":function:".Length)..];
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? name[..slash] : name;
    }

    private JsonNode? Resolved(TemplateResource r, string property) => _resolver.Resolve(r.Stack, r.Properties[property]);

    private static List<KeySchemaElement> KeySchema(JsonNode keys) =>
        keys.AsArray().Select(k => new KeySchemaElement((string)k!["AttributeName"]!, new KeyType((string)k["KeyType"]!))).ToList();

    private static string Hash(string value, int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(value));
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = Alphabet[bytes[i % bytes.Length] % Alphabet.Length];
        }

        return new string(chars);
    }

    [GeneratedRegex(@"(?:https|wss)://(?<api>[a-z0-9]{10})\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?<path>/[^\s""]*)?")]
    private static partial Regex ExecuteApiUrl();
}
