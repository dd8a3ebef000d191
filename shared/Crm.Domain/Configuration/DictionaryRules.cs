using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Configuration;

/// <summary>What a record field holding a dictionary value may be set to.</summary>
public static partial class DictionaryRules
{
    public const string ValueUnknown = "dictionary.value_unknown";
    public const string ValueRetired = "dictionary.value_retired";

    /// <summary>
    /// A value may be chosen when it is an active item. A retired one is still accepted when the record
    /// already holds it (<paramref name="oldValue"/>): it stays on old records but cannot be chosen anew.
    /// Null (no value) is always accepted; required-ness is the field's own rule.
    /// </summary>
    public static void Ensure(IEnumerable<DictionaryItem> items, string dictionary, string? newValue, string? oldValue, string field)
    {
        if (newValue is null || newValue == oldValue)
        {
            return;
        }
        var item = items.FirstOrDefault(i => i.Dictionary == dictionary && i.Value == newValue);
        if (item is null)
        {
            throw new ValidationException(field, $"'{newValue}' is not a value of the dictionary '{dictionary}'.", ValueUnknown);
        }
        if (!item.Active)
        {
            throw new ValidationException(field, $"'{newValue}' is retired in the dictionary '{dictionary}' and cannot be chosen anew.", ValueRetired);
        }
    }

    /// <summary>Item values are codes stored on records: a letter, then letters, digits, dashes or underscores.</summary>
    public static bool IsValidValue(string value) => ValuePattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]{0,63}\z")]
    private static partial Regex ValuePattern();
}

/// <summary>
/// Declares that a record field holds a value of a data dictionary (a string, or a list of strings).
/// The generic record API then refuses unknown values and retired values chosen anew, on create and
/// on change, without the feature writing code:
/// <code>[DictionaryField(DataDictionaries.CustomerSource)] public string? Source { get; init; }</code>
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class DictionaryFieldAttribute(string dictionary) : Attribute
{
    public string Dictionary { get; } = dictionary;
}
