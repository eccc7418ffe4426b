namespace EventPipeline.Local.Iam;

/// <summary>One AWS call to authorize: the action, the resource ARN it acts on, and the request's condition keys.</summary>
/// <param name="Action">e.g. <c>dynamodb:PutItem</c>.</param>
/// <param name="Resource">The ARN, e.g. <c>arn:aws:dynamodb:us-east-1:000000000000:table/T</c>, or <c>*</c> for actions without resource-level permissions.</param>
/// <param name="Context">Condition keys of the request (e.g. <c>aws:SecureTransport</c>), case-insensitive.</param>
public sealed record AccessRequest(string Action, string Resource, IReadOnlyDictionary<string, string> Context);
