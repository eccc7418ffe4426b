using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventPipeline.Workflow;

namespace EventPipeline.Reminders;

/// <summary>One broken rule: the field and what it must be.</summary>
public sealed record ValidationError(string Field, string Rule);
