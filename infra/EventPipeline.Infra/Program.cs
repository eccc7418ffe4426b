namespace EventPipeline.Infra;

internal static class Program
{
    private static int Main() => 0;
}
