using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Platform.Dictionaries;

/// <summary>
/// Fields declared <c>[DictionaryField("name")]</c> on a record type hold values of that data dictionary.
/// Only a changed value is checked, so a value retired later stays on the records that hold it.
/// </summary>
public sealed class DictionaryFieldCheck(DictionaryValidator dictionaries) : IRecordWriteCheck
{
    private sealed record DictionaryField(string JsonName, string Dictionary);

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<DictionaryField>> DictionaryFieldsByType = new();

    public bool NeedsCurrent(string module, Type recordType, JsonObject patch) => DictionaryFieldsOf(recordType).Any(f => patch.ContainsKey(f.JsonName));

    public async Task<bool> CheckCreateAsync(string tenantId, string module, Type recordType, JsonObject body, CancellationToken cancellationToken)
    {
        foreach (var field in DictionaryFieldsOf(recordType))
        {
            foreach (var value in Values(body[field.JsonName]))
            {
                await dictionaries.EnsureAsync(tenantId, field.Dictionary, value, null, field.JsonName, cancellationToken);
            }
        }
        return false;
    }

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
        return patch;
    }

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
