namespace EventPipeline.Application.Query;

/// <summary>Why a query has no answer.</summary>
public enum QueryFailure
{
    /// <summary>It has one.</summary>
    None,

    /// <summary>Nothing exists at that address (HTTP 404).</summary>
    NotFound,

    /// <summary>A parameter breaks a rule (HTTP 400).</summary>
    Invalid,
}
