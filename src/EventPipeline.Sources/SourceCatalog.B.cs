using EventPipeline.Sources.CloudEvents;
using EventPipeline.Sources.Csv;
using EventPipeline.Sources.EventBridge;
using EventPipeline.Sources.Graph;
using EventPipeline.Sources.Jira;
using EventPipeline.Sources.Salesforce;
using EventPipeline.Sources.Segment;

namespace EventPipeline.Sources;

public static partial class SourceCatalog
{
    static partial void AddGroupB(List<SourceRegistration> list, SourceDependencies dependencies)
    {
        Add(list, SegmentAdapter.SourceName, new SegmentAdapter(), new SegmentSignature());
        Add(list, SalesforceAdapter.SourceName, new SalesforceAdapter(), new SalesforceSignature());
        Add(list, JiraAdapter.SourceName, new JiraAdapter(), new JiraSignature());
        Add(list, EventBridgeAdapter.SourceName, new EventBridgeAdapter(), new EventBridgeSignature());
        Add(list, CloudEventsAdapter.SourceName, new CloudEventsAdapter(), new CloudEventsSignature());
        Add(list, CsvAdapter.SourceName, new CsvAdapter(), new CsvSignature());
        // Without an injected client (e.g. a function that does not need one elsewhere) Graph gets its own, once per cold start.
        var http = dependencies.HttpClient ?? new HttpClient();
        Add(list, GraphAdapter.SourceName, new GraphAdapter(new GraphResourceFetcher(http, dependencies)), new GraphSignature());
    }

    private static void Add<TSignature>(List<SourceRegistration> list, string name, ISourceAdapter adapter, TSignature signature)
        where TSignature : IWebhookAuthenticator, IWebhookSigner =>
        list.Add(new SourceRegistration(name, adapter, signature, signature));
}
