using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using EventPipeline.Aws.Clients;
using EventPipeline.Aws.Kinesis;
using HdrHistogram;
using Spectre.Console;

namespace EventPipeline.Local.Load;

/// <summary>Settings of one <c>load</c> run.</summary>
public sealed record LoadOptions(int Rate, int DurationSeconds, int Tenants, IReadOnlyList<string> Sources, bool Kpl, int CeilingSeconds = 3);
