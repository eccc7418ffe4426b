namespace EventPipeline.Sources.Tests.Graph;

/// <summary>Graph change-notification bodies for the adapter and signature tests, each carrying the test clientState.</summary>
internal static class GraphNotifications
{
    /// <summary>A <c>{"value":[...]}</c> collection, one message notification per (change type, resource).</summary>
    public static string Body(params (string ChangeType, string Resource)[] notices)
    {
        var items = notices.Select((n, i) =>
            $$$"""{"subscriptionId":"sub-1","changeType":"{{{n.ChangeType}}}","resource":"{{{n.Resource}}}","clientState":"{{{TestSecrets.Shared}}}","resourceData":{"@odata.type":"#Microsoft.Graph.Message","@odata.etag":"W/\"e{{{i}}}\"","id":"m{{{i}}}"}}""");
        return $$"""{"value":[{{string.Join(',', items)}}]}""";
    }
}
