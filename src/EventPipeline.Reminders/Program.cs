namespace EventPipeline.Reminders;

internal static class Program
{
    private static int Main() => 0;
}
