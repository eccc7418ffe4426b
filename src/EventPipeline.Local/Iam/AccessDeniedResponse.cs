using System.Net;
using System.Text.Json;

namespace EventPipeline.Local.Iam;

/// <summary>How each service answers a call its caller's policies do not allow, as AWS does.</summary>
public static class AccessDeniedResponse
{
    /// <summary>The status, content type and body of the refusal.</summary>
    public static (int Status, string ContentType, string Body, string? ErrorType) For(ServiceCall call, IamPrincipal principal, AccessRequest denied, bool explicitDeny)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(denied);
        var reason = explicitDeny ? "with an explicit deny in an identity-based policy" : "because no identity-based policy allows the " + denied.Action + " action";
        var message = $"User: {principal.Arn.Replace(":role/", ":assumed-role/", StringComparison.Ordinal).Replace("arn:aws:iam:", "arn:aws:sts:", StringComparison.Ordinal)}/local is not authorized to perform: {denied.Action} on resource: {denied.Resource} {reason}";
        switch (call.Protocol)
        {
            case ServiceProtocol.Query:
                var code = call.Service == "sns" ? "AuthorizationError" : "AccessDenied";
                return (403, "text/xml", $"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{WebUtility.HtmlEncode(message)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>", null);
            case ServiceProtocol.RestJson when call.Service == "execute-api":
                // The management API answers 403 Forbidden with the IAM message.
                return (403, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }, IamJsonContext.Default.DictionaryStringString), "AccessDeniedException");
            case ServiceProtocol.RestJson:
                return (403, "application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }, IamJsonContext.Default.DictionaryStringString), "AccessDeniedException");
            default:
                // JSON protocols: HTTP 400 with __type; DynamoDB qualifies it with the coral namespace, the SDKs strip it.
                var type = call.Service == "dynamodb" ? "com.amazon.coral.service#AccessDeniedException" : "AccessDeniedException";
                return (400, "application/x-amz-json-1.0", JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message, ["Message"] = message }, IamJsonContext.Default.DictionaryStringString), null);
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class IamJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
