using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Commerce.SalesDocuments;

/// <summary>
/// The HTTP side of a document's actions (a quote's stage, a contract's submit or amendment): the caller's right to
/// the action on this record (data scope included), If-Match in (required when the tenant says so), the change written
/// on the version checked, and the new ETag out. Without If-Match a concurrent change is re-read and the action retried.
/// </summary>
internal sealed class DocumentActions(RecordGuard guard, TenantStore tenants, TimeProvider clock)
{
    public async Task<RecordJson<T>> RunAsync<T>(HttpContext context, RecordStore<T> store, string id, string action, string activity,
        Func<Caller, WriteContext, Func<T, ValueTask<T>>> change) where T : RecordBase
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(caller.TenantId, id, context.RequestAborted);
            await guard.EnsureAsync(caller, store.TypeName, store.TableName, action, current, context.RequestAborted);
            var write = caller.Write(clock).As(activity);
            try
            {
                var updated = await store.UpdateAsync(write, id, ifMatch ?? current.Version, change(caller, write), cancellationToken: context.RequestAborted);
                Preconditions.SetETag(context, updated);
                return new RecordJson<T>(RecordShape.Of(caller, store.TableName, updated));
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, store.TypeName, id, context.RequestAborted);
            }
        }
    }

    /// <summary>The reason a move needs (reject, terminate, cancel), trimmed; 400 <paramref name="code"/> when blank.</summary>
    public static string Reason(string? reason, string code) =>
        TextNormalizer.Trimmed(reason) ?? throw new ValidationException("reason", "Say why.", code);

    /// <summary>The tenant's calendar day now (a quote valid until a day is valid through that day in the tenant's zone).</summary>
    public async Task<DateOnly> TodayAsync(string tenantId, CancellationToken cancellationToken)
    {
        var zone = (await tenants.FindAsync(tenantId, cancellationToken))?.Zone ?? TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }

    /// <summary>The caller's right to <paramref name="action"/> on the record, which it returns.</summary>
    public async Task<T> GetForAsync<T>(Caller caller, RecordStore<T> store, string id, string action, CancellationToken cancellationToken) where T : RecordBase
    {
        var current = await store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, action, current, cancellationToken);
        return current;
    }
}
