using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

/// <summary>Whether a custom field definition makes sense before it is stored.</summary>
public static partial class CustomFieldRules
{
    public const int MaxTextLength = 10_000;
    public const int MaxOptions = 200;
    public const int MaxFieldsPerEntity = 100;

    /// <summary>Each sortable field costs two more rows on every write of every record of the type (ADR 0002).</summary>
    public const int MaxSortablePerEntity = 5;

    public const string SortableLimitReached = "customField.sortable_limit_reached";

    /// <summary>A sort needs one value per record; a multi-picklist holds several.</summary>
    public static bool CanBeSortable(CustomFieldType type) => type != CustomFieldType.MultiPicklist;

    public static bool IsText(CustomFieldType type) => type is CustomFieldType.Text or CustomFieldType.Email or CustomFieldType.Phone or CustomFieldType.Url;

    public static bool IsPicklist(CustomFieldType type) => type is CustomFieldType.Picklist or CustomFieldType.MultiPicklist;

    /// <summary>Keys are camelCase so that <c>customFields.key</c> reads like any field name in filters, field rules and exports.</summary>
    public static bool IsValidKey(string key) => KeyPattern().IsMatch(key);

    public static CustomFieldDefinition Validate(CustomFieldDefinition field, IReadOnlyCollection<string> dictionaries)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsValidKey(field.Key))
        {
            errors["key"] = ["Use camelCase: a lower-case letter, then letters and digits (at most 64)."];
        }
        if (string.IsNullOrWhiteSpace(field.Label))
        {
            errors["label"] = ["Required."];
        }
        if (field.MaxLength is { } max && (!IsText(field.Type) || max is < 1 or > MaxTextLength))
        {
            errors["maxLength"] = [IsText(field.Type) ? $"Must be between 1 and {MaxTextLength}." : "Only text, e-mail, phone and url fields have a maximum length."];
        }
        if (IsPicklist(field.Type))
        {
            var options = field.Options ?? [];
            if ((options.Count == 0) == (field.Dictionary is null))
            {
                errors["options"] = ["A picklist takes either options or a dictionary, not both."];
            }
            else if (options.Count > MaxOptions || options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > 100) || options.Distinct(StringComparer.Ordinal).Count() != options.Count)
            {
                errors["options"] = [$"Give 1 to {MaxOptions} distinct, non-empty options of at most 100 characters."];
            }
            if (field.Dictionary is { } name && !dictionaries.Contains(name))
            {
                errors["dictionary"] = [$"Unknown dictionary '{name}'. Known: {string.Join(", ", dictionaries)}."];
            }
        }
        else if (field.Options is { Count: > 0 } || field.Dictionary is not null)
        {
            errors[field.Dictionary is null ? "options" : "dictionary"] = ["Only picklist and multiPicklist fields have options or a dictionary."];
        }
        if (field.Sortable && !CanBeSortable(field.Type))
        {
            errors["sortable"] = ["A multiPicklist field holds several values and cannot be sortable; only single-valued fields can."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "customField.invalid_definition");
        }
        return field with { Label = field.Label.Trim(), Options = IsPicklist(field.Type) && field.Dictionary is null ? field.Options : null };
    }

    [GeneratedRegex(@"^[a-z][a-zA-Z0-9]{0,63}\z")]
    private static partial Regex KeyPattern();
}
