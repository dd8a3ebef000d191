using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

/// <summary>A value that needs the tenant's data to be judged: a user id, or a dictionary value (with the value it replaces).</summary>
public sealed record CustomFieldLookup(string Field, CustomFieldType Type, string Value, string? Dictionary, string? OldValue);

/// <summary>The custom fields of a write, normalised, and what is left to look up in storage.</summary>
public sealed record CustomFieldCheck(JsonObject Values, IReadOnlyList<CustomFieldLookup> Lookups);

/// <summary>
/// Checks the <c>customFields</c> of a write against the definitions and normalises them (dates as
/// <c>YYYY-MM-DD</c>, times in UTC, money as a decimal, trimmed text). A create names the whole object;
/// an update names only what its merge patch changes (null removes a value).
/// </summary>
public static class CustomFieldValues
{
    public const string Unknown = "customField.unknown";
    public const string Invalid = "customField.invalid";
    public const string RequiredMissing = "customField.required";
    public const string Inactive = "customField.inactive";

    public static CustomFieldCheck Check(IReadOnlyList<CustomFieldDefinition> definitions, JsonObject? values, JsonObject? current, bool creating)
    {
        var errors = new List<(string Field, string Message, string Code)>();
        var lookups = new List<CustomFieldLookup>();
        var normalised = new JsonObject();
        var byKey = definitions.ToDictionary(d => d.Key, StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            var field = $"customFields.{key}";
            if (!byKey.TryGetValue(key, out var definition))
            {
                errors.Add((field, $"No custom field '{key}' is defined for this record type.", Unknown));
                continue;
            }
            if (value is null || value.GetValueKind() == JsonValueKind.Null || (value is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length == 0))
            {
                if (!creating)
                {
                    normalised[key] = null;
                }
                continue;
            }
            var old = current?[key];
            if (!definition.Active && !JsonNode.DeepEquals(value, old))
            {
                errors.Add((field, $"The custom field '{key}' is inactive and takes no new values.", Inactive));
                continue;
            }
            var (result, problem) = Normalise(definition, value);
            if (problem is not null)
            {
                errors.Add((field, problem, Invalid));
                continue;
            }
            normalised[key] = result;
            lookups.AddRange(LookupsOf(definition, field, result!, old));
        }
        foreach (var definition in definitions.Where(d => d.Required && d.Active))
        {
            var named = values?.ContainsKey(definition.Key) == true;
            if ((creating || named) && normalised[definition.Key] is null && !errors.Any(e => e.Field == $"customFields.{definition.Key}"))
            {
                errors.Add(($"customFields.{definition.Key}", $"The custom field '{definition.Key}' is required.", RequiredMissing));
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), errors[0].Code);
        }
        return new CustomFieldCheck(normalised, lookups);
    }

    private static IEnumerable<CustomFieldLookup> LookupsOf(CustomFieldDefinition definition, string field, JsonNode value, JsonNode? old)
    {
        switch (definition.Type)
        {
            case CustomFieldType.User:
                yield return new(field, definition.Type, value.GetValue<string>(), null, null);
                break;
            case CustomFieldType.Picklist when definition.Dictionary is not null:
                yield return new(field, definition.Type, value.GetValue<string>(), definition.Dictionary, old is JsonValue ov && ov.TryGetValue<string>(out var o) ? o : null);
                break;
            case CustomFieldType.MultiPicklist when definition.Dictionary is not null:
                var held = (old as JsonArray ?? []).Select(n => n is JsonValue hv && hv.TryGetValue<string>(out var h) ? h : null).ToHashSet(StringComparer.Ordinal);
                foreach (var item in value.AsArray().Select(n => n!.GetValue<string>()))
                {
                    yield return new(field, definition.Type, item, definition.Dictionary, held.Contains(item) ? item : null);
                }
                break;
        }
    }

    /// <summary>The stored form of one value, or why it does not fit the field's type.</summary>
    public static (JsonNode? Value, string? Problem) Normalise(CustomFieldDefinition definition, JsonNode value)
    {
        var text = value is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>().Trim() : null;
        switch (definition.Type)
        {
            case CustomFieldType.Text or CustomFieldType.Email or CustomFieldType.Phone or CustomFieldType.Url:
                if (text is null)
                {
                    return (null, "Must be a string.");
                }
                var max = definition.MaxLength ?? CustomFieldRules.MaxTextLength;
                if (text.Length > max)
                {
                    return (null, $"Must have at most {max} characters.");
                }
                return definition.Type switch
                {
                    CustomFieldType.Email when !IsEmail(text) => (null, "Must be an e-mail address."),
                    CustomFieldType.Phone when !IsPhone(text) => (null, "Must be a phone number: digits, with an optional leading +, spaces, dashes, dots or brackets."),
                    CustomFieldType.Url when !IsUrl(text) => (null, "Must be an absolute http or https URL."),
                    _ => (JsonValue.Create(text), null),
                };
            case CustomFieldType.Number:
                return value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<decimal>(out var number)
                    ? (JsonValue.Create(number), null) : (null, "Must be a number.");
            case CustomFieldType.Money:
                // Money is a decimal (API.md); a string like "12.50" from a form or an import is accepted too.
                if (value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<decimal>(out var amount)
                    || text is not null && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
                {
                    return decimal.Round(amount, 4) == amount ? (JsonValue.Create(amount), null) : (null, "Must have at most 4 decimal places.");
                }
                return (null, "Must be a decimal amount.");
            case CustomFieldType.Date:
                return text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? (JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), null) : (null, "Must be a date as YYYY-MM-DD.");
            case CustomFieldType.Datetime:
                return text is not null && text.Contains('T', StringComparison.Ordinal)
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                    ? (JsonValue.Create(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)), null)
                    : (null, "Must be an ISO 8601 date and time, e.g. 2026-11-23T09:30:00Z.");
            case CustomFieldType.Boolean:
                return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? (JsonValue.Create(value.GetValue<bool>()), null) : (null, "Must be true or false.");
            case CustomFieldType.Picklist:
                if (text is null)
                {
                    return (null, "Must be one option (a string).");
                }
                return definition.Options is { } options && !options.Contains(text, StringComparer.Ordinal)
                    ? (null, $"Must be one of: {string.Join(", ", options)}.") : (JsonValue.Create(text), null);
            case CustomFieldType.MultiPicklist:
                if (value is not JsonArray array || array.Any(n => n is null || n.GetValueKind() != JsonValueKind.String))
                {
                    return (null, "Must be an array of options (strings).");
                }
                var chosen = array.Select(n => n!.GetValue<string>().Trim()).Distinct(StringComparer.Ordinal).ToList();
                if (definition.Options is { } choices && chosen.FirstOrDefault(c => !choices.Contains(c, StringComparer.Ordinal)) is { } stranger)
                {
                    return (null, $"'{stranger}' is not an option. Options: {string.Join(", ", choices)}.");
                }
                return (new JsonArray([.. chosen.Select(c => (JsonNode)JsonValue.Create(c))]), null);
            case CustomFieldType.User:
                return text is not null && Ids.IsWellFormed(text) ? (JsonValue.Create(text), null) : (null, "Must be a user id.");
            default:
                return (null, "Unsupported type.");
        }
    }

    private static bool IsEmail(string text) =>
        text.Length <= 254 && MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);

    private static bool IsPhone(string text)
    {
        var digits = text.Count(char.IsAsciiDigit);
        return digits is >= 3 and <= 20 && text.Length <= 32
            && text.Select((c, i) => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')' || c == '+' && i == 0).All(ok => ok);
    }

    private static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
}
