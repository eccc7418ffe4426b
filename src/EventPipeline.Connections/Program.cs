namespace EventPipeline.Connections;

internal static class Program
{
    private static int Main() => 0;
}
