using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EventPipeline.Lambda;

/// <summary>Severity of a <see cref="LambdaLog"/> line, lowest first.</summary>
public enum LambdaLogLevel
{
    /// <summary>Detail for diagnosing one record; off unless LOG_LEVEL=Debug.</summary>
    Debug = 0,

    /// <summary>Normal progress (the default threshold).</summary>
    Information = 1,

    /// <summary>Something was rejected or retried but the pipeline goes on.</summary>
    Warning = 2,

    /// <summary>A failure someone must look at.</summary>
    Error = 3,
}
