using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Functions.Access;
using Crm.Functions.CustomFields;
using Crm.Functions.Dictionaries;

namespace Crm.Functions.Records;

/// <summary>
/// The tenant's configuration applied to every write through the generic record API, so no feature
/// writes code for it: <c>customFields</c> against the record type's custom field definitions (checked
/// and normalised), and fields declared <c>[DictionaryField("name")]</c> on the record type against
/// their data dictionary (only a changed value is checked, so a retired value stays on old records).
/// </summary>
internal sealed class RecordWriteChecks(CustomFieldDirectory customFields, DictionaryValidator dictionaries, AccessDirectory directory)
{
    private const string CustomFieldsName = "customFields";

    private sealed record DictionaryField(string JsonName, string Dictionary);

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<DictionaryField>> DictionaryFieldsByType = new();

    /// <summary>
    /// Normalises the create body's custom fields in place (true when it changed them); throws 400 for
    /// what the configuration refuses.
    /// </summary>
    public async Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken)
    {
        foreach (var field in DictionaryFieldsOf(recordType))
        {
            foreach (var value in Values(body[field.JsonName]))
            {
                await dictionaries.EnsureAsync(tenantId, field.Dictionary, value, null, field.JsonName, cancellationToken);
            }
        }
        if (!customFields.Carries(module))
        {
            return false;
        }
        var definitions = await customFields.ForEntityAsync(tenantId, module, cancellationToken);
        var check = CustomFieldValues.Check(definitions, AsObject(body[CustomFieldsName]), null, creating: true);
        await LookUpAsync(tenantId, check, cancellationToken);
        if (!body.ContainsKey(CustomFieldsName) && check.Values.Count == 0)
        {
            return false;
        }
        body[CustomFieldsName] = check.Values;
        return true;
    }

    /// <summary>The patch with its custom fields normalised; <paramref name="current"/> is the record before the change.</summary>
    public async Task<JsonObject> CheckUpdateAsync(string tenantId, string module, RecordBase current, JsonObject patch, CancellationToken cancellationToken)
    {
        JsonObject? before = null;
        foreach (var field in DictionaryFieldsOf(current.GetType()).Where(f => patch.ContainsKey(f.JsonName)))
        {
            before ??= CrmJson.ToObject<object>(current);
            var held = Values(before[field.JsonName]).ToHashSet(StringComparer.Ordinal);
            foreach (var value in Values(patch[field.JsonName]))
            {
                await dictionaries.EnsureAsync(tenantId, field.Dictionary, value, held.Contains(value) ? value : null, field.JsonName, cancellationToken);
            }
        }
        if (!customFields.Carries(module) || !patch.ContainsKey(CustomFieldsName))
        {
            return patch;
        }
        var definitions = await customFields.ForEntityAsync(tenantId, module, cancellationToken);
        // "customFields": null in a merge patch clears them all: every one of them is named, as null.
        var named = patch[CustomFieldsName] is null
            ? new JsonObject(current.CustomFields.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)null)).Concat(definitions.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)null))).DistinctBy(p => p.Key))
            : AsObject(patch[CustomFieldsName]);
        var check = CustomFieldValues.Check(definitions, named, current.CustomFields, creating: false);
        await LookUpAsync(tenantId, check, cancellationToken);
        var changed = (JsonObject)patch.DeepClone();
        changed[CustomFieldsName] = check.Values;
        return changed;
    }

    /// <summary>Whether an update needs the record before the change to be checked.</summary>
    public bool NeedsCurrent(string module, Type recordType, JsonObject patch) =>
        (customFields.Carries(module) && patch.ContainsKey(CustomFieldsName)) || DictionaryFieldsOf(recordType).Any(f => patch.ContainsKey(f.JsonName));

    private async Task LookUpAsync(string tenantId, CustomFieldCheck check, CancellationToken cancellationToken)
    {
        foreach (var lookup in check.Lookups)
        {
            if (lookup.Type == CustomFieldType.User)
            {
                if (!(await directory.OrgChartAsync(tenantId, cancellationToken)).Knows(lookup.Value))
                {
                    throw new ValidationException(lookup.Field, $"No user with id '{lookup.Value}'.", CustomFieldValues.Invalid);
                }
            }
            else if (lookup.Dictionary is not null)
            {
                await dictionaries.EnsureAsync(tenantId, lookup.Dictionary, lookup.Value, lookup.OldValue, lookup.Field, cancellationToken);
            }
        }
    }

    private static JsonObject AsObject(JsonNode? node) => node switch
    {
        null => [],
        JsonObject o => o,
        _ => throw new ValidationException(CustomFieldsName, "Must be an object."),
    };

    /// <summary>The string values of a field: one string, or the strings of a list.</summary>
    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonArray a => a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()),
        _ => [],
    };

    private static IReadOnlyList<DictionaryField> DictionaryFieldsOf(Type recordType) =>
        DictionaryFieldsByType.GetOrAdd(recordType, t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<DictionaryFieldAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new DictionaryField(JsonNamingPolicy.CamelCase.ConvertName(x.Property.Name), x.Attribute!.Dictionary))]);
}
