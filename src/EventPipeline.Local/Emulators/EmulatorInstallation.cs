using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EventPipeline.Local.Emulators;

/// <summary>Where the installed emulators and the tools that run them are.</summary>
/// <param name="NodePath">The <c>node</c> executable (runs kinesis-mock).</param>
/// <param name="JavaPath">The <c>java</c> executable (runs DynamoDB Local).</param>
/// <param name="KinesisMockDirectory">The kinesis-local package folder (holds main.js and server.json; run from here).</param>
/// <param name="DynamoDbLocalDirectory">The versioned folder holding DynamoDBLocal.jar and DynamoDBLocal_lib.</param>
public sealed record EmulatorInstallation(string NodePath, string JavaPath, string KinesisMockDirectory, string DynamoDbLocalDirectory);
