namespace EventPipeline.Local.Emulators;

/// <summary>
/// The <c>sitecustomize.py</c> moto_server loads at start-up (its folder first on the process's <c>PYTHONPATH</c>):
/// caches moto's JSONPath parses and keeps SQS sends from counting the whole queue, which made every EventBridge
/// PutEvents to this stack's bus take seconds (see the file's docstring). Written out before each start, so the file
/// in use is always the one this build carries.
/// </summary>
public static class MotoSite
{
    private const string ResourceName = "EventPipeline.Local.MotoSite.sitecustomize.py";

    /// <summary>The patches the file applies when it finds what it patches (the names it lists in <c>applied</c>).</summary>
    public static IReadOnlyList<string> Patches { get; } = ["jsonpath-parse-cache", "sqs-send-without-counts"];

    /// <summary>Writes the file into <c>{logDirectory}/moto-site</c>; returns that folder.</summary>
    public static string Write(string logDirectory)
    {
        var folder = Path.Combine(logDirectory, "moto-site");
        Directory.CreateDirectory(folder);
        using var source = typeof(MotoSite).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from {typeof(MotoSite).Assembly.GetName().Name}");
        var path = Path.Combine(folder, "sitecustomize.py");
        var temporary = path + ".tmp";
        using (var target = File.Create(temporary))
        {
            source.CopyTo(target);
        }

        File.Move(temporary, path, overwrite: true);
        return folder;
    }

    /// <summary><c>PYTHONPATH</c> with <paramref name="folder"/> first and whatever the environment already had after it.</summary>
    public static string PythonPath(string folder) =>
        Environment.GetEnvironmentVariable("PYTHONPATH") is { Length: > 0 } existing ? folder + Path.PathSeparator + existing : folder;
}
