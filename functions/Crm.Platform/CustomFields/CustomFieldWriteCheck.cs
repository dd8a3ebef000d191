using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Dictionaries;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Platform.CustomFields;

/// <summary>
/// A record's <c>customFields</c> against its type's custom field definitions: checked, normalised, and
/// their user and dictionary values looked up.
/// </summary>
public sealed class CustomFieldWriteCheck(CustomFieldDirectory customFields, DictionaryValidator dictionaries, AccessDirectory directory) : IRecordWriteCheck
{
    private const string CustomFieldsName = "customFields";

    public bool NeedsCurrent(string module, Type recordType, JsonObject patch) => customFields.Carries(module) && patch.ContainsKey(CustomFieldsName);

    public async Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken)
    {
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

    public async Task<JsonObject> CheckUpdateAsync(string tenantId, string module, RecordBase current, JsonObject patch, CancellationToken cancellationToken)
    {
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
}
