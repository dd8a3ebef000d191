using Crm.Domain.Configuration;
using Crm.Storage.Records;

namespace Crm.Platform.CustomFields;

/// <summary>
/// The record engine's view of the sortable custom fields: the cached definitions (<see cref="CustomFieldDirectory"/>),
/// so a write costs no extra read while they have not changed.
/// </summary>
public sealed class CustomFieldSortSource(IServiceProvider services) : ISortableFieldSource
{
    // The directory reads the definitions through a record store, and every record store asks this source:
    // resolved on first use, after the stores exist, which breaks the cycle.
    private CustomFieldDirectory? _directory;

    private CustomFieldDirectory Directory => _directory ??= services.GetRequiredService<CustomFieldDirectory>();

    public async Task<IReadOnlyList<SortableField>> ForTypeAsync(string tenantId, string table, CancellationToken cancellationToken)
    {
        if (!Directory.Carries(table))
        {
            return [];
        }
        return [.. (await Directory.ForEntityAsync(tenantId, table, cancellationToken))
            .Where(f => f.Sortable && CustomFieldRules.CanBeSortable(f.Type))
            .Select(f => new SortableField(f.Key, KindOf(f.Type), f.SortIndex == SortIndexState.Ready))];
    }

    public static SortValueKind KindOf(CustomFieldType type) => type switch
    {
        CustomFieldType.Number or CustomFieldType.Money => SortValueKind.Number,
        CustomFieldType.Date => SortValueKind.Date,
        CustomFieldType.Datetime => SortValueKind.Instant,
        CustomFieldType.Boolean => SortValueKind.Boolean,
        // Text, e-mail, phone, url, a picklist's value and a user's id compare as text.
        _ => SortValueKind.Text,
    };
}
