using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Sales.Pool;

public sealed record ClaimCustomers([property: Required] IReadOnlyList<string>? Ids);

public sealed record AssignCustomers(
    [property: Required] IReadOnlyList<string>? Ids,
    [property: Required, StringLength(26)] string? OwnerId);

public sealed record ReleaseCustomer([property: StringLength(500)] string? Reason = null);

/// <summary>
/// The public pool (seed 4 "公海"): customers without an owner. Anyone who may create customers claims
/// them, within the tenant's cap and cool-down; a manager assigns them; an owner (or whoever's edit scope
/// covers the owner) releases one. Every move is one versioned write of <c>ownerId</c>, named by its
/// activity, so it is audited, in the change feed and on the timeline, and two claims of one customer
/// cannot both win. The customer's contacts and open opportunities follow each move (<see cref="CustomerCascade"/>);
/// a repeated move answers its 409 as before but first finishes the cascade of one that stopped half-way.
/// </summary>
internal sealed class PublicPool(RecordStore<Customer> customers, CustomerCascade cascade, AccessDirectory directory, OwnedAccess access, RecordGuard guard,
    TenantStore tenants, TimeProvider clock)
{
    public const string AlreadyClaimed = "pool.already_claimed";
    public const string CapReached = "pool.claim_cap_reached";
    public const string Cooldown = "pool.cooldown";
    public const string AlreadyInPool = "pool.already_in_pool";
    private const string Module = "customers";

    public RecordStore<Customer> Store => customers;

    public async Task<Customer> GetAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await customers.FindAsync(tenantId, id, cancellationToken) is { OwnerId: null } customer
            ? customer : throw new NotFoundException("customer", id);

    /// <summary>Owner-less customers: the owner index's empty range, so a page costs the page, not the tenant.</summary>
    public Task<Page<Customer>> ListAsync(string tenantId, ListQuery query, CancellationToken cancellationToken)
    {
        if (query.FieldEquals.Any(f => f.Key == RecordStore<Customer>.OwnerField))
        {
            throw new ValidationException(RecordStore<Customer>.OwnerField, "Pool customers have no owner.");
        }
        // First, so that under the default sort the store reads this index range.
        return customers.ListAsync(tenantId, query with { FieldEquals = [new(RecordStore<Customer>.OwnerField, ""), .. query.FieldEquals] }, cancellationToken);
    }

    public async Task<BatchOutcome> ClaimAsync(Caller caller, ClaimCustomers input, CancellationToken cancellationToken)
    {
        caller.Require($"{Module}.{Permissions.Actions.View}");
        var ids = Ids(RequestValidation.Validate(input).Ids);
        var settings = (await tenants.FindAsync(caller.TenantId, cancellationToken))?.Pool ?? PoolSettings.Default;
        if (settings.ClaimCap is { } cap)
        {
            // One range read of the owner index, stopping past the cap: what matters is whether the claim fits.
            var owned = await customers.CountWithFieldAsync(caller.TenantId, RecordStore<Customer>.OwnerField, caller.UserId, cap + 1, cancellationToken);
            if (owned + ids.Count > cap)
            {
                throw new ConflictException(CapReached, $"You own {owned} customers; claiming {ids.Count} more would pass the cap of {cap}.",
                    new Dictionary<string, object?> { ["claimCap"] = cap, ["owned"] = owned });
            }
        }
        return await Batch.RunAsync(ids, async (id, index) =>
        {
            var claimed = await TakeAsync(caller, id, caller.UserId, Activities.Claimed, settings.ReclaimCooldownDays, cancellationToken);
            return new BatchResult(index, 200, claimed.Id, RecordShape.Of(caller, Module, claimed));
        });
    }

    /// <summary>A manager hands pool customers to a user their <c>customers.assign</c> scope covers; no cap or cool-down applies.</summary>
    public async Task<BatchOutcome> AssignAsync(Caller caller, AssignCustomers input, CancellationToken cancellationToken)
    {
        var ids = Ids(RequestValidation.Validate(input).Ids);
        var ownerId = input.OwnerId!;
        await access.EnsureActiveUserAsync(caller.TenantId, ownerId, "ownerId", cancellationToken);
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        var permission = $"{Module}.assign";
        if (!caller.IsSuperAdmin && !org.CoversAny(caller.UserId, caller.Access.ScopesFor(permission), ownerId))
        {
            throw new ForbiddenException(RecordGuard.OutOfScope, $"Your permission '{permission}' does not reach the user '{ownerId}'.");
        }
        return await Batch.RunAsync(ids, async (id, index) =>
        {
            var assigned = await TakeAsync(caller, id, ownerId, Activities.Assigned, 0, cancellationToken);
            return new BatchResult(index, 200, assigned.Id, RecordShape.Of(caller, Module, assigned));
        });
    }

    public async Task<Customer> ReleaseAsync(Caller caller, string id, string? ifMatch, ReleaseCustomer input, CancellationToken cancellationToken)
    {
        RequestValidation.Validate(input);
        var reason = TextNormalizer.Trimmed(input.Reason);
        for (var attempt = 0; ; attempt++)
        {
            var current = await customers.GetAsync(caller.TenantId, id, cancellationToken);
            var write = caller.Write(clock).As(Activities.Released);
            // A repeat by whoever could release it (the former owner no longer sees it) finishes a release that stopped half-way.
            if (current is { OwnerId: null, PreviousOwnerId: { } previous } && await MayReleaseAsync(caller, previous, cancellationToken))
            {
                await cascade.ToPoolAsync(write, id, cancellationToken);
                throw new ConflictException(AlreadyInPool, $"The customer '{id}' is already in the public pool.");
            }
            await guard.EnsureAsync(caller, customers.TypeName, Module, Permissions.Actions.View, current, cancellationToken);
            if (current.OwnerId is not { } owner)
            {
                throw new ConflictException(AlreadyInPool, $"The customer '{id}' is already in the public pool.");
            }
            await EnsureMayReleaseAsync(caller, owner, cancellationToken);
            CustomerLocks.EnsureUnlocked(current);
            try
            {
                var released = await customers.UpdateAsync(write, id, ifMatch ?? current.Version,
                    c => ValueTask.FromResult(PoolRules.ToPool(c, write.Now, reason, null)), cancellationToken: cancellationToken);
                await cascade.ToPoolAsync(write, id, cancellationToken);
                return released;
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, "customer", id, cancellationToken);
            }
        }
    }

    /// <summary>The owner, or someone whose <c>customers.edit</c> scope covers the owner; a team seat is not enough.</summary>
    private async Task EnsureMayReleaseAsync(Caller caller, string ownerId, CancellationToken cancellationToken)
    {
        if (!await MayReleaseAsync(caller, ownerId, cancellationToken))
        {
            throw new ForbiddenException(RecordGuard.OutOfScope, $"Only the owner, or someone whose '{EditPermission}' reaches the owner, releases this customer.");
        }
    }

    private const string EditPermission = $"{Module}.{Permissions.Actions.Edit}";

    private async Task<bool> MayReleaseAsync(Caller caller, string ownerId, CancellationToken cancellationToken) =>
        caller.UserId == ownerId || caller.IsSuperAdmin
        || (await directory.OrgChartAsync(caller.TenantId, cancellationToken)).CoversAny(caller.UserId, caller.Access.ScopesFor(EditPermission), ownerId);

    /// <summary>
    /// Takes one pool customer for <paramref name="ownerId"/>. The version read is the version written, so of
    /// two concurrent takes exactly one stores its owner; the other re-reads, finds an owner and answers 409.
    /// </summary>
    private async Task<Customer> TakeAsync(Caller caller, string id, string ownerId, string activity, int cooldownDays, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await customers.FindAsync(caller.TenantId, id, cancellationToken) ?? throw new NotFoundException("customer", id);
            var write = caller.Write(clock).As(activity);
            if (current.OwnerId is not null)
            {
                if (current.OwnerId == ownerId)
                {
                    await cascade.FromPoolAsync(write, id, ownerId, cancellationToken);
                }
                throw new ConflictException(AlreadyClaimed, $"The customer '{id}' is no longer in the public pool.");
            }
            if (PoolRules.CooldownEndsAt(current, ownerId, cooldownDays, write.Now) is { } ends)
            {
                throw new ConflictException(Cooldown, $"You gave this customer up on {current.PooledAt:yyyy-MM-dd}; you may claim it again from {ends:O}.",
                    new Dictionary<string, object?> { ["availableAt"] = ends });
            }
            try
            {
                var taken = await customers.UpdateAsync(write, id, current.Version, c => ValueTask.FromResult(PoolRules.FromPool(c, ownerId, write.Now)),
                    cancellationToken: cancellationToken);
                await cascade.FromPoolAsync(write, id, ownerId, cancellationToken);
                return taken;
            }
            catch (PreconditionFailedException)
            {
                await Contention.WaitAsync(attempt, "customer", id, cancellationToken);
            }
        }
    }

    private static List<string> Ids(IReadOnlyList<string>? ids)
    {
        if (ids is not { Count: > 0 and <= Batch.MaxItems } || ids.Any(string.IsNullOrEmpty))
        {
            throw new ValidationException("ids", $"Give 1 to {Batch.MaxItems} ids.");
        }
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }
}
