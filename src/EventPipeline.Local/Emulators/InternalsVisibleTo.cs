using System.Runtime.CompilerServices;

// Unit tests check the version parsers and the poller engine's internals directly.
[assembly: InternalsVisibleTo("EventPipeline.Local.Tests")]
