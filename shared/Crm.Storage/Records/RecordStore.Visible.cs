using System.Text.Json;
using Crm.Domain.Common;
using Crm.Domain.Querying;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// Past this many owners a scoped list reads the ordinary range and tests each row instead of
    /// merging one range per owner: many small ranges cost more round trips than one filtered scan.
    /// </summary>
    public const int MaxOwnerRanges = 16;

    /// <summary>
    /// A page of the owned records a caller sees (<see cref="ListQuery.Visibility"/>). Under the default
    /// sort without a search, it merges the covered owners' <c>ownerId</c> index ranges and the caller's
    /// <c>team</c> range, so its cost follows the page, not the tenant. Otherwise (other sorts, a custom
    /// field's sort rows included, search, many owners) it reads the usual range and tests each row, within
    /// the same scan budget: the rows carry the record, so the test needs no further read. Either way
    /// the cursor is the row key after the range's prefix, which every range shares for one sort, so a
    /// cursor keeps working when the owners change between pages (the org chart changed).
    /// </summary>
    private async Task<Page<T>> ListVisibleAsync(string tenantId, ListQuery query, CancellationToken cancellationToken)
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException($"{type.Name} records have no owner; data scope does not apply to them.");
        }
        var visibility = query.Visibility!;
        var (prefix, remaining) = ChooseRange(query);
        var merged = query.Sort == ListQuery.DefaultSort && query.Q is null && visibility.Owners.Count <= MaxOwnerRanges;
        List<string> prefixes = merged
            ? [.. visibility.Owners.Select(o => RowKeys.FieldPrefix(OwnerField, o)), RowKeys.FieldPrefix(TeamField, visibility.MemberId)]
            : [prefix];
        var filters = merged ? query.FieldEquals.ToList() : remaining;

        var hash = ListCursor.Hash("visible", query.Sort, query.Q, JsonSerializer.Serialize(query.FieldEquals), JsonSerializer.Serialize(query.FilterGroups, CrmJson.Options));
        var cursor = ListCursor.Decode(query.Cursor, hash);
        var evaluator = new FilterEvaluator(query.FilterGroups, query.Now, query.Zone);
        var exact = merged && filters.Count == 0 && evaluator.IsEmpty;
        var pageSize = exact ? query.Limit + 1 : TableLimits.MaxQueryPage;

        var items = new List<T>(query.Limit);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scanned = 0;
        string? lastReturned = null;
        await foreach (var (suffix, row) in KeyRangeMerge.ReadAsync(Table, tenantId, prefixes, cursor?.LastKey, pageSize,
            [KeyProperty, DataProperty, DeletedProperty], cancellationToken).ConfigureAwait(false))
        {
            scanned++;
            var matched = IsDeleted(row) ? null : Match(row, filters, evaluator);
            if (matched is not null && !IsVisible(matched, visibility, query.Now))
            {
                matched = null;
            }
            if (matched is not null && query.Q is not null && !IsFirstMatchingTerm(row.RowKey, matched, prefix, query.UnsearchableFields))
            {
                matched = null;
            }
            if (matched is not null && seen.Add(matched.Id))
            {
                if (items.Count == query.Limit)
                {
                    return new Page<T>(items, new ListCursor(lastReturned!, hash).Encode());
                }
                items.Add(matched);
                lastReturned = suffix;
            }
            if (scanned >= ScanBudget)
            {
                return new Page<T>(items, new ListCursor(suffix, hash).Encode());
            }
        }
        return new Page<T>(items, null);
    }

    /// <summary>The same rule as <c>RecordAccess</c> for viewing: a covered owner, or an active team seat.</summary>
    private static bool IsVisible(T record, ListVisibility visibility, DateTimeOffset now) =>
        record is IOwnedRecord owned
        && ((owned.OwnerId is not null && visibility.Owners.Contains(owned.OwnerId))
            || owned.Team.Any(m => m.UserId == visibility.MemberId && m.IsActive(now)));
}
