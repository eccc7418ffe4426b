using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventPipeline.Local.Emulators;

namespace EventPipeline.Local.Deploy;

/// <summary>Where the cloud assembly is, and whether it came from the cache.</summary>
public sealed record SynthResult(string Directory, bool FromCache, TimeSpan Took);
