namespace EventPipeline.Query;

internal static class Program
{
    private static int Main() => 0;
}
