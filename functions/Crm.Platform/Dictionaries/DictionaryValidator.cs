using Crm.Domain.Configuration;

namespace Crm.Platform.Dictionaries;

/// <summary>
/// What features call to check a field against a data dictionary on create and on change:
/// <c>await dictionaries.EnsureAsync(tenantId, DataDictionaries.CustomerSource, input.Source, current?.Source, "source", ct)</c>.
/// Only a changed value is checked, so a record keeps a value retired since it was chosen. Answers 400
/// <c>dictionary.value_unknown</c> or <c>dictionary.value_retired</c> naming the field. Fields declared with
/// <see cref="DictionaryFieldAttribute"/> get this from the generic record API without any call.
/// </summary>
public sealed class DictionaryValidator(DictionaryDirectory directory)
{
    public async Task EnsureAsync(string tenantId, string dictionary, string? newValue, string? oldValue, string field, CancellationToken cancellationToken)
    {
        if (newValue is null || newValue == oldValue)
        {
            return;
        }
        directory.Definition(dictionary);
        DictionaryRules.Ensure(await directory.AllAsync(tenantId, cancellationToken), dictionary, newValue, oldValue, field);
    }
}
