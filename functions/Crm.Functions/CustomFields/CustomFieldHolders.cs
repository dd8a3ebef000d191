using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;

namespace Crm.Functions.CustomFields;

/// <summary>
/// A record type that carries custom fields: owned record types (registered by <c>AddOwnedRecords</c>)
/// and users. Custom fields can be defined for these entity types only.
/// </summary>
internal interface ICustomFieldHolder
{
    /// <summary>The record module, as in permissions and field rules: "customers", "users".</summary>
    string EntityType { get; }

    /// <summary>Whether any live record holds a value for the custom field (a type change would orphan it).</summary>
    Task<bool> HasValuesAsync(string tenantId, string key, CancellationToken cancellationToken);
}

internal sealed class CustomFieldHolder<T>(RecordStore<T> store) : ICustomFieldHolder where T : RecordBase
{
    public string EntityType => store.TableName;

    public async Task<bool> HasValuesAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var query = new ListQuery
        {
            Limit = 1,
            FilterGroups = [new FilterGroup([new Filter($"customFields.{key}", FilterOperator.IsNotNull)])],
        };
        // A page may end early on the scan budget with a cursor: keep reading until a value or the end.
        do
        {
            var page = await store.ListAsync(tenantId, query, cancellationToken);
            if (page.Items.Count > 0)
            {
                return true;
            }
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null);
        return false;
    }
}
