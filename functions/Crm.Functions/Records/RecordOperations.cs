using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Functions.Hosting;
using Crm.Storage.Records;

namespace Crm.Functions.Records;

/// <summary>
/// One record's read, create, update and delete with data scope and field rules applied, shared by the
/// single-record and batch endpoints so that both answer alike.
/// </summary>
internal static class RecordOperations<T, TCreate, TService>
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    private static readonly Lazy<JsonObject?> Defaults = new(() =>
        typeof(TCreate).GetConstructor(Type.EmptyTypes) is null ? null : CrmJson.ToObject(Activator.CreateInstance<TCreate>()));

    public static readonly bool IsOwned = typeof(IOwnedRecord).IsAssignableFrom(typeof(T));

    /// <summary>The permission module and field-rule entity of the record type: its table name (e.g. <c>customers</c>).</summary>
    public static string Module(TService service) => service.Store.TableName;

    public static async Task<T> ReadAsync(Caller caller, TService service, RecordGuard guard, string id, CancellationToken cancellationToken)
    {
        var record = await service.Store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, service.Store.TypeName, Module(service), Permissions.Actions.View, record, cancellationToken);
        return record;
    }

    /// <summary>
    /// An owned record's owner defaults to the caller (<see cref="RecordService{T, TCreate, TChanges}"/>); naming another owner
    /// needs a create scope covering them. Fields the caller may not write answer 403 before anything is stored.
    /// </summary>
    public static async Task<T> CreateAsync(Caller caller, TService service, RecordGuard guard, TCreate input, CancellationToken cancellationToken) =>
        await service.CreateAsync(caller, await PrepareCreateAsync(caller, service, guard, input, cancellationToken), cancellationToken);

    /// <summary>
    /// Every check of <see cref="CreateAsync"/> before the write, and the input as the write takes it (custom
    /// fields normalised), for a feature that checks several records before it writes the first.
    /// </summary>
    public static async Task<TCreate> PrepareCreateAsync(Caller caller, TService service, RecordGuard guard, TCreate input, CancellationToken cancellationToken)
    {
        var body = CrmJson.ToObject(input);
        // A value equal to the request type's default (an enum's first member, say) was not named by the caller.
        RecordGuard.EnsureWritable(caller, Module(service), FieldRules.Named(body, includeNulls: false)
            .Where(f => f.Contains('.', StringComparison.Ordinal) || Defaults.Value is not { } d || !JsonNode.DeepEquals(body[f], d[f])));
        if (IsOwned && body[RecordStore<T>.OwnerField] is JsonValue owner && owner.TryGetValue<string>(out var ownerId))
        {
            await guard.EnsureCanOwnAsync(caller, Module(service), ownerId, cancellationToken);
        }
        return await guard.WriteChecks.CheckCreateAsync(caller.TenantId, Module(service), typeof(T), body, cancellationToken)
            ? RequestValidation.Bind<TCreate>(body)
            : input;
    }

    /// <summary>
    /// Changing the owner is a transfer (its own permission and endpoint), never a side effect of a
    /// patch: a patch naming another owner answers 400. The team changes through the team endpoints.
    /// </summary>
    public static async Task<T> UpdateAsync(Caller caller, TService service, RecordGuard guard, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        RecordGuard.EnsureWritable(caller, Module(service), FieldRules.Named(patch, includeNulls: true));
        if (!IsOwned)
        {
            if (guard.WriteChecks.NeedsCurrent(Module(service), typeof(T), patch) && await service.Store.FindAsync(caller.TenantId, id, cancellationToken) is { } before)
            {
                patch = await guard.WriteChecks.CheckUpdateAsync(caller.TenantId, Module(service), before, patch, cancellationToken);
            }
            return await service.UpdateAsync(caller, id, ifMatch, patch, cancellationToken);
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = await service.Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, service.Store.TypeName, Module(service), Permissions.Actions.Edit, current, cancellationToken);
            EnsureSameOwner(patch, (IOwnedRecord)current);
            var checkedPatch = await guard.WriteChecks.CheckUpdateAsync(caller.TenantId, Module(service), current, patch, cancellationToken);
            try
            {
                // The version checked is the version written: a transfer in between cannot slip past the scope check,
                // nor a change to the values the custom field and dictionary checks compared against.
                return await service.UpdateAsync(caller, id, ifMatch ?? current.Version, checkedPatch, cancellationToken);
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, service.Store.TypeName, id, cancellationToken);
            }
        }
    }

    public static async Task DeleteAsync(Caller caller, TService service, RecordGuard guard, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!IsOwned)
        {
            await service.DeleteAsync(caller, id, ifMatch, cancellationToken);
            return;
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = await service.Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, service.Store.TypeName, Module(service), Permissions.Actions.Delete, current, cancellationToken);
            try
            {
                await service.DeleteAsync(caller, id, ifMatch ?? current.Version, cancellationToken);
                return;
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, service.Store.TypeName, id, cancellationToken);
            }
        }
    }

    /// <summary>A list or search restricted to what the caller's scope and team seats show.</summary>
    public static async Task<Page<T>> ListAsync(Caller caller, TService service, RecordGuard guard, ListQuery query, CancellationToken cancellationToken)
    {
        query = RecordGuard.RestrictQuery(caller, Module(service), query);
        if (IsOwned)
        {
            query = query with { Visibility = await guard.VisibilityAsync(caller, Module(service), cancellationToken) };
        }
        return await service.Store.ListAsync(caller.TenantId, query, cancellationToken);
    }

    private static void EnsureSameOwner(JsonObject patch, IOwnedRecord current)
    {
        if (patch.TryGetPropertyValue(RecordStore<T>.OwnerField, out var owner)
            && (owner is JsonValue v && v.TryGetValue<string>(out var ownerId) ? ownerId : null) != current.OwnerId)
        {
            throw new ValidationException(RecordStore<T>.OwnerField, "The owner changes by a transfer, not by an update.", "record.transfer_required");
        }
    }
}
