namespace EventPipeline.Publish;

internal static class Program
{
    private static int Main() => 0;
}
