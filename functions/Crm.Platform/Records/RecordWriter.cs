using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// The one way to read and write records of a type for someone: a user, an API key, or a background actor
/// (<see cref="BackgroundActor"/>). It applies the caller's permissions and data scope, field rules and the
/// tenant's configuration checks (<see cref="RecordWriteChecks"/>) before the type's own rules
/// (<typeparamref name="TService"/>) run, for the shared endpoints, batch items, import rows, lead conversion,
/// the demo seed and jobs alike, so work nobody is signed in to is checked exactly as a request would be.
/// Operation permissions of record types without data scope and without a module of their own (users, roles)
/// are the endpoints' (their permission differs per type); everything else is checked here, including the
/// module permissions of unowned types declared with <c>AddModuleRecords</c> (products, vendors).
/// </summary>
public sealed class RecordWriter<T, TCreate, TService>(TService service, RecordGuard guard, RecordDeclarations declarations, TimeProvider clock)
    where T : RecordBase where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    private static readonly Lazy<JsonObject?> Defaults = new(() =>
        typeof(TCreate).GetConstructor(Type.EmptyTypes) is null ? null : CrmJson.ToObject(Activator.CreateInstance<TCreate>()));

    public static readonly bool IsOwned = typeof(IOwnedRecord).IsAssignableFrom(typeof(T));

    public TService Service => service;

    public RecordStore<T> Store => service.Store;

    /// <summary>The permission module and field-rule entity of the record type: its table name (e.g. <c>customers</c>).</summary>
    public string Module => Store.TableName;

    /// <summary>An unowned type with a module of its own: its operation permissions are checked here, with no scope.</summary>
    private readonly bool _moduleChecked = !IsOwned && declarations.HasModule(service.Store.TableName);

    private void RequireModule(Caller caller, string action)
    {
        if (_moduleChecked)
        {
            caller.Require($"{Module}.{action}");
        }
    }

    public async Task<T> ReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        RequireModule(caller, Permissions.Actions.View);
        var record = await Store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, Store.TypeName, Module, Permissions.Actions.View, record, cancellationToken);
        return record;
    }

    /// <summary>
    /// An owned record's owner defaults to the caller (<see cref="RecordService{T, TCreate, TChanges}"/>); naming another owner
    /// needs a create scope covering them. Fields the caller may not write answer 403 before anything is stored.
    /// </summary>
    public async Task<T> CreateAsync(Caller caller, TCreate input, CancellationToken cancellationToken) =>
        await service.CreateAsync(caller, await PrepareCreateAsync(caller, input, cancellationToken), cancellationToken);

    /// <summary>
    /// Every check of <see cref="CreateAsync"/> before the write, and the input as the write takes it (custom
    /// fields normalised), for a feature that checks several records before it writes the first.
    /// </summary>
    public async Task<TCreate> PrepareCreateAsync(Caller caller, TCreate input, CancellationToken cancellationToken)
    {
        if (IsOwned || _moduleChecked)
        {
            caller.Require($"{Module}.{Permissions.Actions.Create}");
        }
        var body = CrmJson.ToObject(input);
        // A value equal to the request type's default (an enum's first member, say) was not named by the caller.
        RecordGuard.EnsureWritable(caller, Module, FieldRules.Named(body, includeNulls: false)
            .Where(f => f.Contains('.', StringComparison.Ordinal) || Defaults.Value is not { } d || !JsonNode.DeepEquals(body[f], d[f])));
        if (IsOwned && body[RecordStore<T>.OwnerField] is JsonValue owner && owner.TryGetValue<string>(out var ownerId))
        {
            await guard.EnsureCanOwnAsync(caller, Module, ownerId, cancellationToken);
        }
        return await guard.WriteChecks.CheckCreateAsync(caller.TenantId, Module, typeof(T), body, cancellationToken)
            ? RequestValidation.Bind<TCreate>(body)
            : input;
    }

    /// <summary>
    /// Changing the owner is a transfer (its own permission and endpoint), never a side effect of a
    /// patch: a patch naming another owner answers 400. The team changes through the team endpoints.
    /// </summary>
    public async Task<T> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        RequireModule(caller, Permissions.Actions.Edit);
        RecordGuard.EnsureWritable(caller, Module, FieldRules.Named(patch, includeNulls: true));
        if (!IsOwned)
        {
            if (guard.WriteChecks.NeedsCurrent(Module, typeof(T), patch) && await Store.FindAsync(caller.TenantId, id, cancellationToken) is { } before)
            {
                patch = await guard.WriteChecks.CheckUpdateAsync(caller.TenantId, Module, before, patch, cancellationToken);
            }
            return await service.UpdateAsync(caller, id, ifMatch, patch, cancellationToken);
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = await Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, Store.TypeName, Module, Permissions.Actions.Edit, current, cancellationToken);
            EnsureSameOwner(patch, (IOwnedRecord)current);
            var checkedPatch = await guard.WriteChecks.CheckUpdateAsync(caller.TenantId, Module, current, patch, cancellationToken);
            try
            {
                // The version checked is the version written: a transfer in between cannot slip past the scope check,
                // nor a change to the values the custom field and dictionary checks compared against.
                return await service.UpdateAsync(caller, id, ifMatch ?? current.Version, checkedPatch, cancellationToken);
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, Store.TypeName, id, cancellationToken);
            }
        }
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!IsOwned)
        {
            RequireModule(caller, Permissions.Actions.Delete);
            await service.DeleteAsync(caller, id, ifMatch, cancellationToken);
            return;
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = await Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, Store.TypeName, Module, Permissions.Actions.Delete, current, cancellationToken);
            try
            {
                await service.DeleteAsync(caller, id, ifMatch ?? current.Version, cancellationToken);
                return;
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, Store.TypeName, id, cancellationToken);
            }
        }
    }

    /// <summary>A list or search restricted to what the caller's scope and team seats show.</summary>
    public async Task<Page<T>> ListAsync(Caller caller, ListQuery query, CancellationToken cancellationToken)
    {
        RequireModule(caller, Permissions.Actions.View);
        query = RecordGuard.RestrictQuery(caller, Module, query);
        if (IsOwned)
        {
            query = query with { Visibility = await guard.VisibilityAsync(caller, Module, cancellationToken) };
        }
        return await Store.ListAsync(caller.TenantId, query, cancellationToken);
    }

    /// <summary>
    /// A business action on one record (a return to the pool, a reminder marked sent): <paramref name="change"/> applied to
    /// the record as stored, after the caller's <paramref name="action"/> scope is checked on that same version, recorded as
    /// <paramref name="activity"/>. Without <paramref name="ifMatch"/> the change is re-checked and re-applied on a fresh
    /// version when another writer got there first; with it, that answers 412. <paramref name="at"/> is the time written
    /// (a job's run time), the clock's by default.
    /// </summary>
    public async Task<T> ChangeAsync(Caller caller, string id, string? ifMatch, string action, string? activity, Func<T, T> change,
        CancellationToken cancellationToken, DateTimeOffset? at = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await Store.GetAsync(caller.TenantId, id, cancellationToken);
            await guard.EnsureAsync(caller, Store.TypeName, Module, action, current, cancellationToken);
            if (!IsOwned)
            {
                caller.Require($"{Module}.{action}");
            }
            var write = caller.Write(clock) with { Now = at ?? clock.GetUtcNow(), Activity = activity };
            try
            {
                return await Store.UpdateAsync(write, id, ifMatch ?? current.Version, r => ValueTask.FromResult(change(r)), cancellationToken: cancellationToken);
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, Store.TypeName, id, cancellationToken);
            }
        }
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
