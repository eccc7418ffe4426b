namespace EventPipeline.Local.Tests.Dashboard;

/// <summary>A fact that needs Debian's chromium at <see cref="Path"/> (apt-get install chromium).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"{Path} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests";
        }
    }
}
