using Crm.Domain.Common;
using Crm.Domain.Querying;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// A record type that carries custom fields: owned record types (registered by <c>AddOwnedRecords</c>)
/// and users. Custom fields can be defined for these entity types only.
/// </summary>
public interface ICustomFieldHolder
{
    /// <summary>The record module, as in permissions and field rules: "customers", "users".</summary>
    string EntityType { get; }

    /// <summary>Whether any live record holds a value for the custom field (a type change would orphan it).</summary>
    Task<bool> HasValuesAsync(string tenantId, string key, CancellationToken cancellationToken);
}

public sealed class CustomFieldHolder<T>(RecordStore<T> store) : ICustomFieldHolder where T : RecordBase
{
    public string EntityType => store.TableName;

    public async Task<bool> HasValuesAsync(string tenantId, string key, CancellationToken cancellationToken)
    {
        var query = new ListQuery
        {
            Limit = 1,
            FilterGroups = [new FilterGroup([new Filter($"customFields.{key}", FilterOperator.IsNotNull)])],
        };
        return await store.ListAllAsync(tenantId, query, cancellationToken).AnyAsync(cancellationToken);
    }
}
