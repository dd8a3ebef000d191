using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Platform.Web;
using Crm.Sales.Customers;
using Crm.Storage.Records;

namespace Crm.Commerce.SalesDocuments;

/// <summary>A customer's quotes or contracts follow it on a transfer that names them, into and out of the pool, and into a merge.</summary>
internal sealed class CustomerDocuments<T>(string kind, RecordStore<T> store, Func<string, string, CancellationToken, IAsyncEnumerable<T>> ofCustomer,
    Func<T, string, T> moveTo) : OwnedCustomerDependents<T>(store) where T : OwnedRecord
{
    public override string Kind => kind;

    protected override IAsyncEnumerable<T> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        ofCustomer(tenantId, customerId, cancellationToken);

    public override async Task<IReadOnlyList<string>> MergeAsync(WriteContext write, string fromId, string toId, CancellationToken cancellationToken)
    {
        var all = await ofCustomer(write.TenantId, fromId, cancellationToken).ToListAsync(cancellationToken);
        foreach (var record in all)
        {
            await Store.UpdateAsync(write, record.Id, null, r => ValueTask.FromResult(moveTo(r, toId)), cancellationToken: cancellationToken);
        }
        return [.. all.Select(r => r.Id)];
    }
}

/// <summary>
/// A customer's timeline shows its quotes and contracts, each at the time it was made, as the caller may see it
/// now (number, stage or status, totals), left out when out of their data scope.
/// </summary>
internal sealed class CustomerDocumentsTimeline<T>(RecordStore<T> store, Func<string, string, CancellationToken, IAsyncEnumerable<T>> ofCustomer, OwnedAccess access)
    : ITimelineEntries where T : OwnedRecord
{
    private const string Customer = "customer";

    public async Task<IReadOnlyList<TimelineItem>> ReadAsync(Caller caller, TimelineSource source, (DateTimeOffset Time, string Id)? after, int need,
        CancellationToken cancellationToken)
    {
        if (source.Type != Customer || !caller.Access.Has($"{store.TableName}.{Crm.Domain.Access.Permissions.Actions.View}"))
        {
            return [];
        }
        var items = new List<TimelineItem>();
        await foreach (var document in ofCustomer(caller.TenantId, source.Id, cancellationToken))
        {
            if (TimelineService.IsAfter(document.CreatedAt, document.Id, after) && await access.MaySeeAsync(caller, store.TableName, document, cancellationToken))
            {
                items.Add(new TimelineItem(document.Id, store.TypeName, document.CreatedAt, document.CreatedBy, source.Type, source.Id,
                    Document: RecordShape.Of(caller, store.TableName, document)));
            }
        }
        return [.. items.OrderByDescending(i => i.Time).ThenBy(i => i.Id, StringComparer.Ordinal).Take(need)];
    }
}
