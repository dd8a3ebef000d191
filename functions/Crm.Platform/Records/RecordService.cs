using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// The write path a record type gets from declaring its fields: a create copies <typeparamref name="TCreate"/>
/// onto a new record, an update merges the patch into the editable view <typeparamref name="TChanges"/> read
/// from the record and copies it back (<see cref="RecordFields"/>), both normalised the same way and validated
/// by the fields' annotations. A feature adds only its rules, by overriding the hooks. An owned record's owner
/// defaults to the writer. A unique-key conflict names the record holding the key only to a caller who may see it.
/// </summary>
public abstract class RecordService<T, TCreate, TChanges>(RecordStore<T> store, OwnedAccess access, TimeProvider clock) : IRecordService<T, TCreate>
    where T : RecordBase, new() where TCreate : class where TChanges : class, new()
{
    public static Type Changes => typeof(TChanges);

    public RecordStore<T> Store => store;

    /// <summary>What the caller may see, for rules that look a linked record up (a contact's customer).</summary>
    protected OwnedAccess Access => access;

    /// <summary>The service's clock, for writes a subclass makes on its own (a default record made on first use).</summary>
    protected TimeProvider Clock => clock;

    public Task<T> CreateAsync(Caller caller, TCreate input, CancellationToken cancellationToken) => CreateAsync(caller, input, null, cancellationToken);

    /// <summary>A create with a reserved id, an activity and links set by the feature making it (<see cref="RecordSeed{T}"/>).</summary>
    public async Task<T> CreateAsync(Caller caller, TCreate input, RecordSeed<T>? seed, CancellationToken cancellationToken)
    {
        var write = seed?.Write(caller.Write(clock)) ?? caller.Write(clock);
        var record = await CreatingAsync(caller, input, RecordFields.Apply(new T(), input), write.Now, cancellationToken);
        if (record is OwnedRecord { OwnerId: null } unowned)
        {
            record = (T)(object)(unowned with { OwnerId = caller.UserId });
        }
        record = Priced(seed?.Apply(record) ?? record);
        return await RevealingAsync(caller, () => StoringAsync(write, record, cancellationToken), cancellationToken);
    }

    public Task<T> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        CheckPatch(patch);
        return RevealingAsync(caller, () => store.UpdateAsync(caller.Write(clock), id, ifMatch, async current =>
        {
            EnsureEditable(current);
            var changes = MergePatch.Apply(RecordFields.View<TChanges, T>(current), patch);
            RecordFields.EnsureFixed(current, changes);
            return Priced(await UpdatingAsync(caller, current, changes, RecordFields.Apply(current, changes), cancellationToken));
        }, cancellationToken: cancellationToken), cancellationToken);
    }

    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        await DeletingAsync(caller, id, cancellationToken);
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
    }

    /// <summary>A document with priced lines has them priced in its currency as it is written, whatever the hooks did.</summary>
    private static T Priced(T record) => record is IPricedDocument<T> document ? document.Priced() : record;

    /// <summary>The record about to be made at <paramref name="now"/>, from the input: checks that need other records, defaults the input leaves open.</summary>
    protected virtual ValueTask<T> CreatingAsync(Caller caller, TCreate input, T record, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(record);

    /// <summary>Writes the new record; a numbered document takes its number here, in the write itself.</summary>
    protected virtual Task<T> StoringAsync(WriteContext write, T record, CancellationToken cancellationToken) =>
        store.CreateAsync(write, record, cancellationToken: cancellationToken);

    /// <summary>The record about to be written, from <paramref name="current"/> and the patched view; runs again when the write is retried.</summary>
    protected virtual ValueTask<T> UpdatingAsync(Caller caller, T current, TChanges changes, T updated, CancellationToken cancellationToken) =>
        ValueTask.FromResult(updated);

    /// <summary>Checks before a delete (a customer with contacts stays).</summary>
    protected virtual Task DeletingAsync(Caller caller, string id, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Fields a patch may not name at all (they change by an action), checked before anything is read.</summary>
    protected virtual void CheckPatch(JsonObject patch)
    {
    }

    /// <summary>Whether the record may be edited at all (a converted lead may not), before the patch is looked at.</summary>
    protected virtual void EnsureEditable(T current)
    {
    }

    /// <summary>The message a unique-key conflict gets when the record holding the key is out of the caller's sight.</summary>
    protected virtual string HiddenHolder(ConflictException conflict) => conflict.Message;

    /// <summary>
    /// The engine's unique-key conflict carries the holder's id. A caller who may not see that record learns
    /// only that the key is taken, never which record holds it.
    /// </summary>
    private async Task<TResult> RevealingAsync<TResult>(Caller caller, Func<Task<TResult>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write();
        }
        catch (ConflictException e) when (e.Code != RecordStore<T>.AlreadyWritten && e.Extensions.TryGetValue("existingId", out var held) && held is string heldId)
        {
            var existing = await store.FindAsync(caller.TenantId, heldId, cancellationToken);
            var visible = existing is not null && (existing is not IOwnedRecord owned || await access.MaySeeAsync(caller, store.TableName, owned, cancellationToken));
            throw new ConflictException(e.Code, visible ? e.Message : HiddenHolder(e), visible ? new Dictionary<string, object?> { ["existingId"] = existing!.Id } : null);
        }
    }
}

/// <summary>A record type whose create body and editable view are the same fields record.</summary>
public abstract class RecordService<T, TFields>(RecordStore<T> store, OwnedAccess access, TimeProvider clock)
    : RecordService<T, TFields, TFields>(store, access, clock)
    where T : RecordBase, new() where TFields : class, new();
