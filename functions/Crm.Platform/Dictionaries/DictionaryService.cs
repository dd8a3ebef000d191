using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Dictionaries;

/// <summary>
/// Changes to a tenant's dictionary items. An item is addressed by its dictionary and value; the
/// value never changes and an item is never deleted, only retired (<c>active: false</c>).
/// </summary>
public sealed class DictionaryService(DictionaryDirectory directory, TimeProvider clock)
{
    private RecordStore<DictionaryItem> Store => directory.Store;

    public async Task<DictionaryItem> GetAsync(string tenantId, string dictionary, string value, CancellationToken cancellationToken)
    {
        directory.Definition(dictionary);
        await directory.AllAsync(tenantId, cancellationToken);
        var id = await Store.FindIdByUniqueKeyAsync(tenantId, DictionaryItemRecordType.ValueKey, DictionaryItemRecordType.KeyOf(dictionary, value), cancellationToken)
            ?? throw new NotFoundException("dictionaryItem", value);
        return await Store.GetAsync(tenantId, id, cancellationToken);
    }

    public async Task<DictionaryItem> CreateAsync(Caller caller, string dictionary, CreateDictionaryItem input, CancellationToken cancellationToken)
    {
        directory.Definition(dictionary);
        var value = input.Value.Trim();
        if (!DictionaryRules.IsValidValue(value))
        {
            throw new ValidationException("value", "Use a letter, then letters, digits, dashes or underscores (at most 64).");
        }
        var items = await directory.ItemsAsync(caller.TenantId, dictionary, cancellationToken);
        var created = await Store.CreateAsync(caller.Write(clock), new DictionaryItem
        {
            Dictionary = dictionary,
            Value = value,
            Label = input.Label.Trim(),
            SortOrder = input.SortOrder ?? (items.Count == 0 ? 10 : items.Max(i => i.SortOrder) + 10),
            Active = input.Active,
        }, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return created;
    }

    public async Task<DictionaryItem> UpdateAsync(Caller caller, string dictionary, string value, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var item = await GetAsync(caller.TenantId, dictionary, value, cancellationToken);
        var updated = await Store.UpdateAsync(caller.Write(clock), item.Id, ifMatch, current =>
        {
            var changes = MergePatch.Apply(new DictionaryItemChanges { Label = current.Label, SortOrder = current.SortOrder, Active = current.Active }, patch);
            return ValueTask.FromResult(current with { Label = changes.Label.Trim(), SortOrder = changes.SortOrder, Active = changes.Active });
        }, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return updated;
    }

    public Task<DictionaryItem> SetActiveAsync(Caller caller, string dictionary, string value, bool active, string? ifMatch, CancellationToken cancellationToken) =>
        UpdateAsync(caller, dictionary, value, ifMatch, new JsonObject { ["active"] = active }, cancellationToken);
}
