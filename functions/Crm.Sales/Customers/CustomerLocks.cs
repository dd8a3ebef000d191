using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Tenants;

namespace Crm.Sales.Customers;

/// <summary>
/// Lock and unlock (seed 4 "客户锁定与解锁"): a locked customer keeps its owner, so it is never
/// transferred, released or recycled to the pool until someone with <c>customers.lock</c> unlocks it.
/// </summary>
internal static class CustomerLocks
{
    public const string Action = "lock";

    public static void EnsureUnlocked(Customer customer)
    {
        if (customer.IsLocked)
        {
            throw new ConflictException("customer.locked", $"The customer '{customer.Id}' is locked; unlock it first.");
        }
    }

    public static Task<RecordJson<Customer>> Lock(string id, CustomerService service, RecordGuard guard, TenantStore tenants, TimeProvider clock, HttpContext context) =>
        SetAsync(id, true, service, guard, tenants, clock, context);

    public static Task<RecordJson<Customer>> Unlock(string id, CustomerService service, RecordGuard guard, TenantStore tenants, TimeProvider clock, HttpContext context) =>
        SetAsync(id, false, service, guard, tenants, clock, context);

    /// <summary>Locking a locked customer (or unlocking an unlocked one) changes nothing and answers 200.</summary>
    private static async Task<RecordJson<Customer>> SetAsync(string id, bool locked, CustomerService service, RecordGuard guard, TenantStore tenants,
        TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        for (var attempt = 0; ; attempt++)
        {
            var current = await service.Store.GetAsync(caller.TenantId, id, context.RequestAborted);
            await guard.EnsureAsync(caller, service.Store.TypeName, service.Store.TableName, Action, current, context.RequestAborted);
            try
            {
                var write = caller.Write(clock).As(locked ? Activities.Locked : Activities.Unlocked);
                var updated = await service.Store.UpdateAsync(write, id, ifMatch ?? current.Version, c => ValueTask.FromResult(
                    locked == c.IsLocked ? c : c with { LockedAt = locked ? write.Now : null, LockedBy = locked ? caller.UserId : null }),
                    cancellationToken: context.RequestAborted);
                Preconditions.SetETag(context, updated);
                return new RecordJson<Customer>(RecordShape.Of(caller, service.Store.TableName, updated));
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, "customer", id, context.RequestAborted);
            }
        }
    }
}
