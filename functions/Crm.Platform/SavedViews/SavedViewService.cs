using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.SavedViews;

/// <summary>
/// Saved views: a caller sees their own and the shared ones; only the author, or someone with
/// <c>settings.manage</c>, changes or deletes one. Filters, sort and columns are checked against the record
/// type exactly as its search checks them, so a view that saves also runs.
/// </summary>
public sealed class SavedViewService(RecordStore<SavedView> store, RecordTypeRegistry registry, TenantStore tenants, TimeProvider clock)
{
    public const string NotAuthor = "savedView.not_author";
    public const string UnknownEntityType = "savedView.unknown_entity_type";

    public RecordStore<SavedView> Store => store;

    public async Task<SavedView> CreateAsync(Caller caller, CreateSavedView input, CancellationToken cancellationToken)
    {
        var view = await CheckAsync(caller, Apply(new SavedView(), RequestValidation.Validate(input)), cancellationToken);
        return await store.CreateAsync(caller.Write(clock), view, cancellationToken: cancellationToken);
    }

    /// <summary>Another user's private view answers 404: its existence is the author's business.</summary>
    public async Task<SavedView> GetAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        await store.FindAsync(caller.TenantId, id, cancellationToken) is { } view && (view.CreatedBy == caller.UserId || view.Shared)
            ? view : throw new NotFoundException(store.TypeName, id);

    public async Task<SavedView> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        EnsureMayChange(caller, await GetAsync(caller, id, cancellationToken));
        return await store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            // Checked again on the version written: the author does not change, but sharing might have.
            EnsureMayChange(caller, current);
            return await CheckAsync(caller, Apply(current, MergePatch.Apply(SavedViewChanges.From(current), patch)), cancellationToken);
        }, cancellationToken: cancellationToken);
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var view = await GetAsync(caller, id, cancellationToken);
        EnsureMayChange(caller, view);
        await store.DeleteAsync(caller.Write(clock), id, ifMatch ?? view.Version, cancellationToken);
    }

    /// <summary>The caller's views and the shared ones, paged like any list; simple filters (<c>entityType</c>...) narrow it.</summary>
    public Task<Page<SavedView>> ListAsync(Caller caller, ListQuery query, CancellationToken cancellationToken)
    {
        FilterGroup Where(string field, object value) => new([new Filter(field, FilterOperator.Eq, JsonSerializer.SerializeToElement(value))]);
        return store.ListAsync(caller.TenantId, query with { FilterGroups = [Where("createdBy", caller.UserId), Where("shared", true)] }, cancellationToken);
    }

    private static void EnsureMayChange(Caller caller, SavedView view)
    {
        if (view.CreatedBy != caller.UserId && !caller.Access.Has(Permissions.SettingsManage))
        {
            throw new ForbiddenException(NotAuthor, "Only the view's author (or someone with 'settings.manage') changes or deletes it.");
        }
    }

    private static SavedView Apply(SavedView view, SavedViewFields fields) => view with
    {
        Name = fields.Name.Trim(),
        EntityType = fields.EntityType,
        FilterGroups = fields.FilterGroups ?? [],
        Sort = fields.Sort ?? [],
        Columns = [.. (fields.Columns ?? []).Distinct(StringComparer.Ordinal)],
        Shared = fields.Shared,
    };

    /// <summary>The record type must be an owned one; filters and sort pass its search validation; columns name its fields.</summary>
    private async Task<SavedView> CheckAsync(Caller caller, SavedView view, CancellationToken cancellationToken)
    {
        if (TextNormalizer.Normalize(view.Name).Length == 0)
        {
            throw new ValidationException("name", "Must have characters besides spaces.");
        }
        var owned = registry.Stores.Where(s => s.IsOwned).ToList();
        var target = owned.FirstOrDefault(s => s.TableName == view.EntityType)
            ?? throw new ValidationException("entityType", $"Must be one of: {string.Join(", ", owned.Select(s => s.TableName).Order(StringComparer.Ordinal))}.", UnknownEntityType);
        var tenant = await tenants.FindAsync(caller.TenantId, cancellationToken);
        await target.ValidateQueryAsync(caller.TenantId, SearchQueries.From(new SearchRequest { FilterGroups = view.FilterGroups, Sort = view.Sort },
            clock.GetUtcNow(), tenant?.Zone ?? TimeZoneInfo.Utc), cancellationToken);
        var unknown = view.Columns.Where(c => c != "id" && !target.FilterableFields.Contains(c)
            && !(c.StartsWith(FieldRules.CustomFieldsPrefix, StringComparison.Ordinal) && c.Length > FieldRules.CustomFieldsPrefix.Length)).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException("columns", $"Unknown columns: {string.Join(", ", unknown)}. Allowed: id, {string.Join(", ", target.FilterableFields.Order(StringComparer.Ordinal))}, customFields.<name>.");
        }
        return view;
    }
}
