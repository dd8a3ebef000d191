using System.Text.Json;
using System.Text.RegularExpressions;

namespace Crm.Platform.Web;

/// <summary>Turns System.Text.Json's exception into a field error a client can act on.</summary>
public static partial class JsonErrors
{
    public static IReadOnlyDictionary<string, string[]> From(JsonException e)
    {
        var message = e.Message;
        var unknown = UnknownMember().Match(message);
        if (unknown.Success)
        {
            // The reader's path already ends at the unknown member ("$.colour"), so it is not appended twice.
            var name = unknown.Groups[1].Value;
            var at = FieldPath(e.Path);
            var field = at.Length == 0 ? name
                : at == name || at.EndsWith("." + name, StringComparison.Ordinal) ? at
                : $"{at}.{name}";
            return new Dictionary<string, string[]> { [field] = ["Unknown field."] };
        }
        var path = FieldPath(e.Path);
        if (path.Length == 0)
        {
            return new Dictionary<string, string[]> { ["$"] = [e.InnerException is null && message.Contains("invalid", StringComparison.OrdinalIgnoreCase) ? "The body is not valid JSON." : "The body is not valid JSON or has the wrong shape."] };
        }
        var missing = MissingRequired().Match(message);
        return missing.Success
            ? new Dictionary<string, string[]> { [missing.Groups[1].Value] = ["Required."] }
            : new Dictionary<string, string[]> { [path] = ["Has the wrong type or format."] };
    }

    /// <summary>"$.items[0].name" → "items[0].name".</summary>
    private static string FieldPath(string? path) => (path ?? "").TrimStart('$').TrimStart('.');

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("missing required properties including: '([^']+)'")]
    private static partial Regex MissingRequired();
}
