namespace EventPipeline.Local.Iam;

/// <summary>
/// One AWS request as the edge sees it: the service and operation, and the IAM actions and resources it needs (a
/// batch call may act on several tables, each of which must be allowed).
/// </summary>
/// <param name="Service">The signing name.</param>
/// <param name="Protocol">How the service answers errors.</param>
/// <param name="Operation">e.g. <c>PutItem</c>, <c>SendMessageBatch</c>, <c>PostToConnection</c>.</param>
/// <param name="Accesses">What IAM must allow.</param>
public sealed record ServiceCall(string Service, ServiceProtocol Protocol, string Operation, IReadOnlyList<AccessRequest> Accesses);
