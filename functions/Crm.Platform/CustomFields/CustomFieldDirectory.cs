using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Storage.Records;

namespace Crm.Platform.CustomFields;

/// <summary>
/// The tenants' custom field definitions as every record write reads them: read whole and kept while
/// they have not changed (<see cref="StampedCache{TValue}"/>).
/// </summary>
public sealed class CustomFieldDirectory(RecordStore<CustomFieldDefinition> store, IEnumerable<ICustomFieldHolder> holders, TimeProvider clock)
{
    private readonly StampedCache<IReadOnlyList<CustomFieldDefinition>> _fields = new(
        async (tenantId, ct) => await store.AllAsync(tenantId, ct).ToListAsync(ct), store.ChangeStampAsync, clock);

    private readonly Dictionary<string, ICustomFieldHolder> _holders = holders.DistinctBy(h => h.EntityType).ToDictionary(h => h.EntityType, StringComparer.Ordinal);

    public RecordStore<CustomFieldDefinition> Store => store;

    public bool Carries(string entityType) => _holders.ContainsKey(entityType);

    /// <summary>The holder of an entity type, or 404 for a type that carries no custom fields.</summary>
    public ICustomFieldHolder Holder(string entityType) =>
        _holders.TryGetValue(entityType, out var holder) ? holder
            : throw new NotFoundException("customFieldEntityType", entityType);

    public IEnumerable<string> EntityTypes => _holders.Keys.Order(StringComparer.Ordinal);

    /// <summary>An entity type's definitions in display order.</summary>
    public async Task<IReadOnlyList<CustomFieldDefinition>> ForEntityAsync(string tenantId, string entityType, CancellationToken cancellationToken) =>
        [.. (await _fields.GetAsync(tenantId, cancellationToken)).Where(f => f.EntityType == entityType)
            .OrderBy(f => f.SortOrder).ThenBy(f => f.Key, StringComparer.Ordinal)];

    public void Changed(string tenantId) => _fields.Invalidate(tenantId);
}
