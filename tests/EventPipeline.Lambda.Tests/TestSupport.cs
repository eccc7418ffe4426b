namespace EventPipeline.Lambda.Tests;

/// <summary>Reads the AWS sample events under events/aws/ from the repository root.</summary>
public static class SampleEvents
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventPipeline.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "events", "aws");
        }
    }

    public static string Read(string fileName) => File.ReadAllText(Path.Combine(Root, fileName));
}

/// <summary>A clock that stands still unless a test moves it.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
