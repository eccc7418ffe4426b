using System.Globalization;

namespace EventPipeline.Local.Iam;

/// <summary>
/// IAM's evaluation logic for identity policies within one account, as AWS documents it: an explicit <c>Deny</c> wins,
/// otherwise an <c>Allow</c> whose action and resource (and conditions) match grants, otherwise the call is implicitly
/// denied. Actions match case-insensitively, resources case-sensitively, both with <c>*</c> and <c>?</c> wildcards;
/// <c>NotAction</c> / <c>NotResource</c> match everything but their patterns. Condition operators: the String, Arn,
/// Bool, Numeric and Null families, with <c>IfExists</c> and the <c>ForAnyValue:</c>/<c>ForAllValues:</c> qualifiers for
/// single-valued keys. An operator it does not know fails the evaluation (never silently allows).
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Whether <paramref name="statements"/> allow <paramref name="request"/>, and which statement decided.</summary>
    public static AccessDecision Evaluate(IReadOnlyList<PolicyStatement> statements, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(request);
        PolicyStatement? allow = null;
        foreach (var statement in statements)
        {
            if (!Applies(statement, request))
            {
                continue;
            }

            if (statement.Effect == PolicyEffect.Deny)
            {
                return new AccessDecision(false, ExplicitDeny: true, statement);
            }

            allow ??= statement;
        }

        return new AccessDecision(allow is not null, ExplicitDeny: false, allow);
    }

    /// <summary>IAM's wildcard match: <c>*</c> any run of characters, <c>?</c> any one character.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(value);
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || string.Compare(pattern, p, value, v, 1, comparison) == 0) && pattern[p] != '*')
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Applies(PolicyStatement s, AccessRequest r)
    {
        var action = s.Actions is { } actions
            ? actions.Any(a => Matches(a, r.Action, ignoreCase: true))
            : s.NotActions is { } notActions && !notActions.Any(a => Matches(a, r.Action, ignoreCase: true));
        if (!action)
        {
            return false;
        }

        var resource = s.Resources is { } resources
            ? resources.Any(p => Matches(p, r.Resource, ignoreCase: false))
            : s.NotResources is { } notResources && !notResources.Any(p => Matches(p, r.Resource, ignoreCase: false));
        return resource && s.Conditions.All(c => c.Value.All(k => ConditionHolds(c.Key, k.Key, k.Value, r.Context)));
    }

    private static bool ConditionHolds(string op, string key, IReadOnlyList<string> expected, IReadOnlyDictionary<string, string> context)
    {
        var name = op;
        if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal) || name.StartsWith("ForAllValues:", StringComparison.Ordinal))
        {
            name = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal);
        if (ifExists)
        {
            name = name[..^"IfExists".Length];
        }

        var present = TryGet(context, key, out var actual);
        if (name == "Null")
        {
            // "Null": "true" holds when the key is absent.
            return expected.Any(e => bool.Parse(e) != present);
        }

        if (!present)
        {
            return ifExists;
        }

        var negated = name.Contains("Not", StringComparison.Ordinal);
        bool any = name switch
        {
            "StringEquals" or "StringNotEquals" => expected.Any(e => string.Equals(e, actual, StringComparison.Ordinal)),
            "StringEqualsIgnoreCase" or "StringNotEqualsIgnoreCase" => expected.Any(e => string.Equals(e, actual, StringComparison.OrdinalIgnoreCase)),
            "StringLike" or "StringNotLike" => expected.Any(e => Matches(e, actual, ignoreCase: false)),
            "ArnEquals" or "ArnLike" or "ArnNotEquals" or "ArnNotLike" => expected.Any(e => Matches(e, actual, ignoreCase: false)),
            "Bool" => expected.Any(e => string.Equals(e, actual, StringComparison.OrdinalIgnoreCase)),
            "NumericEquals" or "NumericNotEquals" => expected.Any(e => Number(e) == Number(actual)),
            "NumericLessThan" => expected.Any(e => Number(actual) < Number(e)),
            "NumericLessThanEquals" => expected.Any(e => Number(actual) <= Number(e)),
            "NumericGreaterThan" => expected.Any(e => Number(actual) > Number(e)),
            "NumericGreaterThanEquals" => expected.Any(e => Number(actual) >= Number(e)),
            _ => throw new NotSupportedException($"IAM condition operator '{op}' is not evaluated by the local stack; extend {nameof(PolicyEvaluator)}."),
        };
        return name is "Bool" ? any : negated ? !any : any;
    }

    private static bool TryGet(IReadOnlyDictionary<string, string> context, string key, out string value)
    {
        foreach (var (k, v) in context)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = "";
        return false;
    }

    private static decimal Number(string s) => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
