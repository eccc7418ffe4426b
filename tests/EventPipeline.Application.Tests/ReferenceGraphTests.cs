using System.Text.RegularExpressions;

namespace EventPipeline.Application.Tests;

/// <summary>
/// The project reference graph (README, Architecture): the core in the middle, AWS and transport at the edges, and no
/// arrow from plumbing to hosting. Read from the .csproj files, so a new reference fails here before review.
/// </summary>
public sealed partial class ReferenceGraphTests
{
    private static readonly string[] Functions = ["Ingest", "Publish", "Connections", "Query", "Webhook", "Reminders", "Bus"];

    /// <summary>What each project may reference (project names without the EventPipeline. prefix).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Domain"] = [],
        ["Topology"] = [],
        ["Workflow"] = [],
        ["Lambda"] = [],
        ["Sources"] = ["Domain"],
        ["Application"] = ["Domain", "Sources"],
        ["Aws"] = ["Application", "Topology"],
        ["Ingest"] = ["Lambda", "Aws", "Application"],
        ["Publish"] = ["Lambda", "Aws", "Application"],
        ["Connections"] = ["Lambda", "Aws", "Application"],
        ["Query"] = ["Lambda", "Aws", "Application"],
        ["Webhook"] = ["Lambda", "Aws", "Application", "Sources"],
        ["Reminders"] = ["Lambda", "Aws", "Application", "Workflow"],
        ["Bus"] = ["Lambda", "Aws", "Application"],
        ["StepFunctions.Local"] = ["Aws"],
        ["Local"] = [.. Functions, "Workflow", "StepFunctions.Local"],
        ["Infra"] = ["Topology", "Workflow"],
    };

    public static TheoryData<string> Projects => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_ReferencesOnlyWhatItsLayerMay(string project)
    {
        var references = ReferencesOf(project);

        var unexpected = references.Except(Allowed[project], StringComparer.Ordinal).ToList();
        Assert.True(unexpected.Count == 0, $"EventPipeline.{project} references {string.Join(", ", unexpected)}; allowed: {string.Join(", ", Allowed[project])}");
    }

    [Fact]
    public void EveryProject_IsInTheGraph()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot, "infra"), "*.csproj", SearchOption.AllDirectories))
            .Select(p => Path.GetFileNameWithoutExtension(p)["EventPipeline.".Length..])
            .ToList();

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Plumbing_NeverReferencesHosting_EvenTransitively()
    {
        string[] hosting = ["Lambda", "Local", .. Functions];
        foreach (var plumbing in new[] { "Domain", "Sources", "Application", "Aws", "Topology", "Workflow" })
        {
            var reached = Transitive(plumbing);
            Assert.True(!reached.Overlaps(hosting), $"EventPipeline.{plumbing} reaches {string.Join(", ", reached.Intersect(hosting))}");
        }
    }

    private static HashSet<string> Transitive(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(ReferencesOf(project));
        while (pending.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var r in ReferencesOf(next))
                {
                    pending.Push(r);
                }
            }
        }

        return seen;
    }

    private static List<string> ReferencesOf(string project)
    {
        var folder = project == "Infra" ? Path.Combine(RepoRoot, "infra") : Path.Combine(RepoRoot, "src");
        var path = Path.Combine(folder, "EventPipeline." + project, $"EventPipeline.{project}.csproj");
        return ProjectReference().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value).ToList();
    }

    private static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EventPipeline.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("EventPipeline.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [GeneratedRegex("""<ProjectReference\s+Include="[^"]*EventPipeline\.([A-Za-z.]+)\.csproj"\s*/>""")]
    private static partial Regex ProjectReference();
}
