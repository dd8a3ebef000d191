using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Dictionaries;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Triggers;

namespace Crm.Platform.CustomFields;

/// <summary>
/// Custom field definitions. A field whose values exist on records keeps its type (and dictionary) and
/// cannot be deleted: 409 <c>customField.in_use</c>. Converting stored values is refused rather than
/// guessed (a text "n/a" has no number); deactivate the field and add a new one instead. Making a field
/// sortable (or not) queues the backfill of its sort rows (<see cref="SortIndexBuilder"/>).
/// </summary>
public sealed class CustomFieldService(CustomFieldDirectory directory, DictionaryDirectory dictionaries, IQueueSender queue, TimeProvider clock)
{
    public const string InUse = "customField.in_use";

    public async Task<CustomFieldDefinition> GetAsync(string tenantId, string entityType, string key, CancellationToken cancellationToken)
    {
        directory.Holder(entityType);
        var id = await directory.Store.FindIdByUniqueKeyAsync(tenantId, CustomFieldRecordType.KeyName, CustomFieldRecordType.KeyOf(entityType, key), cancellationToken)
            ?? throw new NotFoundException("customField", key);
        return await directory.Store.GetAsync(tenantId, id, cancellationToken);
    }

    public async Task<CustomFieldDefinition> CreateAsync(Caller caller, string entityType, CreateCustomField input, CancellationToken cancellationToken)
    {
        directory.Holder(entityType);
        var field = CustomFieldRules.Validate(new CustomFieldDefinition
        {
            EntityType = entityType,
            Key = input.Key,
            Label = input.Label,
            Type = input.Type!.Value,
            Required = input.Required,
            MaxLength = input.MaxLength,
            Options = input.Options,
            Dictionary = input.Dictionary,
            Active = input.Active,
            SortOrder = input.SortOrder,
            Sortable = input.Sortable,
        }, DictionaryNames);
        var existing = await directory.ForEntityAsync(caller.TenantId, entityType, cancellationToken);
        if (existing.Count >= CustomFieldRules.MaxFieldsPerEntity)
        {
            throw new ConflictException("customField.limit_reached", $"A record type can have at most {CustomFieldRules.MaxFieldsPerEntity} custom fields.");
        }
        var context = caller.Write(clock);
        if (field.Sortable)
        {
            EnsureSortableRoom(existing, field.Key);
            field = field with { SortIndex = SortIndexState.Building, SortIndexChangedAt = context.Now };
        }
        var created = await directory.Store.CreateAsync(context, field, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        if (created.Sortable)
        {
            await RequestBuildAsync(caller.TenantId, created, cancellationToken);
        }
        return created;
    }

    public async Task<CustomFieldDefinition> UpdateAsync(Caller caller, string entityType, string key, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var holder = directory.Holder(entityType);
        var field = await GetAsync(caller.TenantId, entityType, key, cancellationToken);
        var context = caller.Write(clock);
        var indexChanged = false;
        var updated = await directory.Store.UpdateAsync(context, field.Id, ifMatch, async current =>
        {
            var changes = MergePatch.Apply(new CustomFieldChanges
            {
                Label = current.Label,
                Type = current.Type,
                Required = current.Required,
                MaxLength = current.MaxLength,
                Options = current.Options,
                Dictionary = current.Dictionary,
                Active = current.Active,
                SortOrder = current.SortOrder,
                Sortable = current.Sortable,
            }, patch);
            var changed = CustomFieldRules.Validate(current with
            {
                Label = changes.Label,
                Type = changes.Type!.Value,
                Required = changes.Required,
                MaxLength = changes.MaxLength,
                Options = changes.Options,
                Dictionary = changes.Dictionary,
                Active = changes.Active,
                SortOrder = changes.SortOrder,
                Sortable = changes.Sortable,
            }, DictionaryNames);
            if ((changed.Type != current.Type || changed.Dictionary != current.Dictionary) && await holder.HasValuesAsync(caller.TenantId, key, cancellationToken))
            {
                throw new ConflictException(InUse, $"Records hold values of '{key}', so its type cannot change; deactivate it and add a new field instead.");
            }
            if (changed.Sortable && !current.Sortable)
            {
                EnsureSortableRoom(await directory.ForEntityAsync(caller.TenantId, entityType, cancellationToken), key);
            }
            changed = WithSortIndex(current, changed, context.Now);
            // Decided on the version written (the change may be applied again after a concurrent write).
            indexChanged = changed.SortIndexChangedAt != current.SortIndexChangedAt;
            return changed;
        }, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        if (indexChanged)
        {
            // Made sortable (or its type changed): build. Made unsortable: the same walk removes its rows.
            await RequestBuildAsync(caller.TenantId, updated, cancellationToken);
        }
        else if (updated.SortIndex == SortIndexState.Building && patch.TryGetPropertyValue("sortable", out var asked) && asked?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            // Asking again for a build that seems stuck (its message lost with a crashed request) queues it again: a repeat is harmless.
            await RequestBuildAsync(caller.TenantId, updated, cancellationToken);
        }
        return updated;
    }

    /// <summary>
    /// The sort index follows the definition: made sortable, or a sortable field's type changed (its values compare
    /// differently), starts a build; made unsortable clears it. Either way the time of the change is recorded.
    /// </summary>
    private static CustomFieldDefinition WithSortIndex(CustomFieldDefinition before, CustomFieldDefinition after, DateTimeOffset now)
    {
        if (!after.Sortable)
        {
            return before.Sortable ? after with { SortIndex = null, SortIndexChangedAt = now } : after;
        }
        return !before.Sortable || before.Type != after.Type ? after with { SortIndex = SortIndexState.Building, SortIndexChangedAt = now } : after;
    }

    private static void EnsureSortableRoom(IReadOnlyList<CustomFieldDefinition> fields, string key)
    {
        if (fields.Count(f => f.Sortable && f.Key != key) >= CustomFieldRules.MaxSortablePerEntity)
        {
            throw new ConflictException(CustomFieldRules.SortableLimitReached,
                $"A record type can have at most {CustomFieldRules.MaxSortablePerEntity} sortable custom fields; make another one unsortable first.");
        }
    }

    /// <summary>
    /// Queues the walk that writes (or, for a field made unsortable or deleted, removes) the sort rows of the
    /// existing records. It waits for <see cref="SortIndexBuilder.Settle"/> so that every replica's writes
    /// already follow the new definition when it starts.
    /// </summary>
    private Task RequestBuildAsync(string tenantId, CustomFieldDefinition field, CancellationToken cancellationToken) =>
        queue.SendAsync(BuildSortIndex.QueueName,
            field.SortIndex == SortIndexState.Building
                ? new BuildSortIndex(tenantId, field.EntityType, field.Key, field.SortIndexChangedAt)
                : new BuildSortIndex(tenantId, field.EntityType, null, field.SortIndexChangedAt),
            SortIndexBuilder.Settle, cancellationToken);

    public async Task DeleteAsync(Caller caller, string entityType, string key, string? ifMatch, CancellationToken cancellationToken)
    {
        var holder = directory.Holder(entityType);
        var field = await GetAsync(caller.TenantId, entityType, key, cancellationToken);
        if (await holder.HasValuesAsync(caller.TenantId, key, cancellationToken))
        {
            throw new ConflictException(InUse, $"Records hold values of '{key}', so it cannot be deleted; deactivate it (active: false) instead.");
        }
        await directory.Store.DeleteAsync(caller.Write(clock), field.Id, ifMatch, cancellationToken);
        directory.Changed(caller.TenantId);
        if (field.Sortable)
        {
            await RequestBuildAsync(caller.TenantId, field with { SortIndex = null }, cancellationToken);
        }
    }

    private IReadOnlyCollection<string> DictionaryNames => [.. dictionaries.Definitions.Select(d => d.Name)];
}
