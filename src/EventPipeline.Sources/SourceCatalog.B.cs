using EventPipeline.Sources.CloudEvents;

namespace EventPipeline.Sources;

public static partial class SourceCatalog
{
    static partial void AddGroupB(List<SourceRegistration> list, SourceDependencies dependencies)
    {
        var cloudEvents = new CloudEventsSignature();
        list.Add(new SourceRegistration(CloudEventsAdapter.SourceName, new CloudEventsAdapter(), cloudEvents, cloudEvents));
    }
}
