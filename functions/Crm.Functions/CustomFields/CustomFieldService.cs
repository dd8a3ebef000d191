using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Functions.Hosting;
using Crm.Functions.Records;

namespace Crm.Functions.CustomFields;

/// <summary>
/// Custom field definitions. A field whose values exist on records keeps its type (and dictionary) and
/// cannot be deleted: 409 <c>customField.in_use</c>. Converting stored values is refused rather than
/// guessed (a text "n/a" has no number); deactivate the field and add a new one instead.
/// </summary>
internal sealed class CustomFieldService(CustomFieldDirectory directory, TimeProvider clock)
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
        });
        if ((await directory.ForEntityAsync(caller.TenantId, entityType, cancellationToken)).Count >= CustomFieldRules.MaxFieldsPerEntity)
        {
            throw new ConflictException("customField.limit_reached", $"A record type can have at most {CustomFieldRules.MaxFieldsPerEntity} custom fields.");
        }
        var created = await directory.Store.CreateAsync(caller.Write(clock), field, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return created;
    }

    public async Task<CustomFieldDefinition> UpdateAsync(Caller caller, string entityType, string key, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var holder = directory.Holder(entityType);
        var field = await GetAsync(caller.TenantId, entityType, key, cancellationToken);
        var updated = await directory.Store.UpdateAsync(caller.Write(clock), field.Id, ifMatch, async current =>
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
            });
            if ((changed.Type != current.Type || changed.Dictionary != current.Dictionary) && await holder.HasValuesAsync(caller.TenantId, key, cancellationToken))
            {
                throw new ConflictException(InUse, $"Records hold values of '{key}', so its type cannot change; deactivate it and add a new field instead.");
            }
            return changed;
        }, cancellationToken: cancellationToken);
        directory.Changed(caller.TenantId);
        return updated;
    }

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
    }
}
