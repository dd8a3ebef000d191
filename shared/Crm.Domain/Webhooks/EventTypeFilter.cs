namespace Crm.Domain.Webhooks;

/// <summary>
/// A subscription's event types: exact names (<c>crm.customer.updated</c>), a prefix ending in <c>.*</c>
/// (<c>crm.customer.*</c> is every customer event, not <c>crm.customerx.*</c>), or <c>*</c> for everything.
/// </summary>
public static class EventTypeFilter
{
    public const int MaxPatterns = 50;

    /// <summary>Why the pattern is not one, or null when it is.</summary>
    public static string? Problem(string pattern)
    {
        if (pattern == "*")
        {
            return null;
        }
        var name = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (name.Length is 0 or > 100)
        {
            return $"'{pattern}' is not an event type: use a name such as crm.customer.updated, a prefix such as crm.customer.*, or *.";
        }
        var segments = name.Split('.');
        return segments.All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            ? null
            : $"'{pattern}' is not an event type: segments of letters, digits, '-' or '_' separated by dots, optionally ending in .*";
    }

    public static bool Matches(IEnumerable<string> patterns, string eventType) => patterns.Any(p => Matches(p, eventType));

    public static bool Matches(string pattern, string eventType) =>
        pattern == "*"
        || (pattern.EndsWith(".*", StringComparison.Ordinal)
            ? eventType.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, eventType, StringComparison.Ordinal));
}
