using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("EventPipeline.Infra.Tests")]
