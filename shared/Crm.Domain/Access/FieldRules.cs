using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Domain.Access;

/// <summary>
/// Applies a caller's field rules (<see cref="AccessProfile.FieldRulesFor"/>) to what leaves the
/// service: hidden fields are left out, masked ones show only part of their value. Field names are
/// top-level JSON names or <c>customFields.name</c>, as audit entries and events name them.
/// </summary>
public static class FieldRules
{
    public const string CustomFieldsPrefix = "customFields.";

    /// <summary>
    /// A record's identity and bookkeeping: clients key on the id and write back the version, so every answer
    /// has them and no rule hides or masks them (a role naming one is refused).
    /// </summary>
    public static readonly IReadOnlySet<string> AlwaysShown =
        new HashSet<string>(["id", "createdAt", "createdBy", "updatedAt", "updatedBy", "version"], StringComparer.Ordinal);

    /// <summary>A copy of the record as the caller may see it.</summary>
    public static JsonObject Apply(JsonObject record, IReadOnlyDictionary<string, FieldAccess> rules)
    {
        if (rules.Count == 0)
        {
            return record;
        }
        var shown = (JsonObject)record.DeepClone();
        Restrict(shown, "", rules);
        if (shown["customFields"] is JsonObject custom)
        {
            Restrict(custom, CustomFieldsPrefix, rules);
        }
        return shown;
    }

    /// <summary>A change's fields as the caller may see them: hidden ones dropped, masked ones masked on both sides.</summary>
    public static IReadOnlyDictionary<string, FieldChange> Apply(IReadOnlyDictionary<string, FieldChange> changes, IReadOnlyDictionary<string, FieldAccess> rules)
    {
        if (rules.Count == 0)
        {
            return changes;
        }
        var shown = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        foreach (var (field, change) in changes)
        {
            switch (AccessOf(field, rules))
            {
                case FieldAccess.Hidden:
                    break;
                case FieldAccess.Masked:
                    shown[field] = new FieldChange(MaskNode(change.Before), MaskNode(change.After));
                    break;
                default:
                    shown[field] = change;
                    break;
            }
        }
        return shown;
    }

    /// <summary>The first field of a write the caller may not write (hidden, read-only or masked), or null.</summary>
    public static string? FirstUnwritable(IEnumerable<string> fields, IReadOnlyDictionary<string, FieldAccess> rules) =>
        rules.Count == 0 ? null : fields.FirstOrDefault(f => AccessOf(f, rules) is not null);

    /// <summary>Whether the caller sees nothing of the field (a rule on it, or on <c>customFields</c> as a whole).</summary>
    public static bool IsHidden(string field, IReadOnlyDictionary<string, FieldAccess> rules) => AccessOf(field, rules) == FieldAccess.Hidden;

    /// <summary>
    /// The fields a prefix search must not match on for the caller: hidden ones, and masked ones too, since which
    /// records a growing prefix finds would spell out the digits the mask leaves out. A rule on <c>customFields</c>
    /// as a whole is named as such.
    /// </summary>
    public static IReadOnlySet<string> Unsearchable(IReadOnlyDictionary<string, FieldAccess> rules) =>
        rules.Where(r => r.Value is FieldAccess.Hidden or FieldAccess.Masked).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The fields a JSON body names with a value: top-level names, and each custom field as <c>customFields.x</c>.</summary>
    public static IEnumerable<string> Named(JsonObject body, bool includeNulls)
    {
        foreach (var (name, value) in body)
        {
            if (name == "customFields" && value is JsonObject custom)
            {
                foreach (var (customName, customValue) in custom)
                {
                    if (includeNulls || customValue is not null)
                    {
                        yield return CustomFieldsPrefix + customName;
                    }
                }
            }
            else if (includeNulls || value is not null)
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// Keeps enough to recognise a value, never enough to use it: e-mails keep their first letter and
    /// domain (<c>a***@example.com</c>), phones their first 3 and last 4 digits (<c>138****5678</c>).
    /// </summary>
    public static string Mask(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return value[0] + "***" + value[at..];
        }
        var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length >= 8 && digits.Length * 2 >= value.Length)
        {
            return digits[..3] + "****" + digits[^4..];
        }
        return value.Length <= 1 ? "***" : value[0] + "***";
    }

    private static FieldAccess? AccessOf(string field, IReadOnlyDictionary<string, FieldAccess> rules)
    {
        if (AlwaysShown.Contains(field))
        {
            return null;
        }
        if (rules.TryGetValue(field, out var access))
        {
            return access;
        }
        // A rule on customFields as a whole covers every custom field.
        return field.StartsWith(CustomFieldsPrefix, StringComparison.Ordinal) && rules.TryGetValue("customFields", out access) ? access : null;
    }

    private static void Restrict(JsonObject target, string prefix, IReadOnlyDictionary<string, FieldAccess> rules)
    {
        foreach (var name in target.Select(p => p.Key).ToList())
        {
            switch (AccessOf(prefix + name, rules))
            {
                case FieldAccess.Hidden:
                    target.Remove(name);
                    break;
                case FieldAccess.Masked:
                    target[name] = MaskNode(target[name]);
                    break;
            }
        }
    }

    private static JsonNode? MaskNode(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => Mask(text),
        _ => "***",
    };
}
