using System.Text.Json.Nodes;

namespace EventPipeline.Local.Deploy;

/// <summary>
/// A synthesized CDK app (a <c>cdk.out</c> folder): its CloudFormation stacks, read from <c>manifest.json</c> and the
/// template files it names, in deployment order (each stack after the stacks it depends on).
/// </summary>
public sealed class CloudAssembly
{
    private CloudAssembly(string directory, IReadOnlyList<StackTemplate> stacks)
    {
        Directory = directory;
        Stacks = stacks;
    }

    /// <summary>The assembly folder.</summary>
    public string Directory { get; }

    /// <summary>The stacks, dependencies first.</summary>
    public IReadOnlyList<StackTemplate> Stacks { get; }

    /// <summary>Reads the assembly in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">No manifest, a missing template, or a dependency cycle.</exception>
    public static CloudAssembly Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new InvalidOperationException($"'{directory}' is not a cloud assembly: it has no manifest.json (pass a cdk.out folder, e.g. from 'cdk synth -o <dir>').");
        }

        var artifacts = JsonNode.Parse(File.ReadAllText(manifestPath))?["artifacts"]?.AsObject()
            ?? throw new InvalidOperationException($"{manifestPath} has no artifacts.");
        var stacks = new Dictionary<string, (JsonObject Artifact, StackTemplate Template)>(StringComparer.Ordinal);
        foreach (var (id, node) in artifacts)
        {
            var artifact = node!.AsObject();
            if ((string?)artifact["type"] != "aws:cloudformation:stack")
            {
                continue;
            }

            var properties = artifact["properties"]!.AsObject();
            var file = Path.Combine(directory, (string)properties["templateFile"]!);
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"stack '{id}': template file '{file}' is missing.");
            }

            var name = (string?)properties["stackName"] ?? id;
            stacks[id] = (artifact, new StackTemplate(name, JsonNode.Parse(File.ReadAllText(file))!.AsObject()));
        }

        var ordered = new List<StackTemplate>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal);
        void Visit(string id)
        {
            if (state.TryGetValue(id, out var done))
            {
                if (!done)
                {
                    throw new InvalidOperationException($"stack dependencies form a cycle through '{id}'.");
                }

                return;
            }

            state[id] = false;
            foreach (var dependency in stacks[id].Artifact["dependencies"]?.AsArray().Select(d => (string)d!) ?? [])
            {
                if (stacks.ContainsKey(dependency))
                {
                    Visit(dependency);
                }
            }

            state[id] = true;
            ordered.Add(stacks[id].Template);
        }

        foreach (var id in stacks.Keys.Order(StringComparer.Ordinal))
        {
            Visit(id);
        }

        return new CloudAssembly(directory, ordered);
    }
}
