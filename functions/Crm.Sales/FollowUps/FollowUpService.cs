using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.FollowUps;

/// <summary>
/// A follow-up's write rules: it is recorded on a record the writer can see, stays on it (only a merge or a
/// conversion moves it, <see cref="MoveAsync"/>), and keeps that record's <c>lastFollowUpAt</c> at the
/// newest <c>occurredAt</c> of its follow-ups.
/// </summary>
internal sealed class FollowUpService(RecordStore<FollowUp> store, FollowUpTargets targets, TimeProvider clock)
    : IRecordService<FollowUp, CreateFollowUp>, IRestoreGuard
{
    public const string RelatedFixed = "followup.related_fixed";
    public const string RelatedDeleted = "followup.related_deleted";

    public static Type Changes => typeof(FollowUpChanges);

    public RecordStore<FollowUp> Store => store;

    public string TypeName => "followup";

    public async Task<FollowUp> CreateAsync(Caller caller, CreateFollowUp input, CancellationToken cancellationToken)
    {
        var target = targets.Get(input.RelatedType);
        if (await targets.VisibleAsync(caller, input.RelatedType, input.RelatedId, cancellationToken) is Lead { ConvertedTo: { } convertedTo })
        {
            // Its follow-ups moved to the customer at conversion; a new one here would be stranded on a read-only lead.
            throw new ConflictException("lead.converted", $"This lead was converted to customer {convertedTo.CustomerId}; record the follow-up there.");
        }
        var write = caller.Write(clock);
        var occurredAt = input.OccurredAt ?? write.Now;
        FollowUpRules.Check(input.Content, occurredAt, input.NextContactAt, write.Now);
        var created = await store.CreateAsync(write, new FollowUp
        {
            RelatedType = target.TypeName,
            RelatedId = input.RelatedId,
            Channel = input.Channel!.Trim(),
            Content = input.Content.Trim(),
            OccurredAt = occurredAt,
            NextContactAt = input.NextContactAt,
            OwnerId = input.OwnerId ?? caller.UserId,
            CustomFields = input.CustomFields ?? [],
        }, cancellationToken: cancellationToken);
        await target.SetLastFollowUpAsync(caller.Write(clock), created.RelatedId, last => FollowUpRules.Advanced(last, occurredAt), cancellationToken);
        return created;
    }

    public async Task<FollowUp> UpdateAsync(Caller caller, string id, string? ifMatch, JsonObject patch, CancellationToken cancellationToken)
    {
        var write = caller.Write(clock);
        FollowUp? before = null;
        var updated = await store.UpdateAsync(write, id, ifMatch, async current =>
        {
            before = current;
            var changes = MergePatch.Apply(new FollowUpChanges
            {
                RelatedType = current.RelatedType,
                RelatedId = current.RelatedId,
                Channel = current.Channel,
                Content = current.Content,
                OccurredAt = current.OccurredAt,
                NextContactAt = current.NextContactAt,
                OwnerId = current.OwnerId,
                CustomFields = current.CustomFields,
            }, patch);
            if (changes.RelatedType != current.RelatedType || changes.RelatedId != current.RelatedId)
            {
                throw new ValidationException("relatedId", "A follow-up stays on its record; record a new one on the other record.", RelatedFixed);
            }
            // Editing needs sight of the record too: a follow-up on a record moved out of the caller's scope is read-only to them.
            await targets.VisibleAsync(caller, current.RelatedType, current.RelatedId, cancellationToken);
            FollowUpRules.Check(changes.Content, changes.OccurredAt, changes.NextContactAt, write.Now);
            return current with
            {
                Channel = changes.Channel?.Trim(),
                Content = changes.Content.Trim(),
                OccurredAt = changes.OccurredAt,
                NextContactAt = changes.NextContactAt,
                CustomFields = changes.CustomFields,
            };
        }, cancellationToken: cancellationToken);
        if (before is not null && updated.OccurredAt != before.OccurredAt)
        {
            await RefreshTargetAsync(caller.Write(clock), updated, movedLater: updated.OccurredAt > before.OccurredAt, cancellationToken);
        }
        return updated;
    }

    /// <summary>The record's <c>lastFollowUpAt</c> falls back to its newest remaining follow-up.</summary>
    public async Task DeleteAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var followUp = await store.GetAsync(caller.TenantId, id, cancellationToken);
        await store.DeleteAsync(caller.Write(clock), id, ifMatch, cancellationToken);
        await RefreshTargetAsync(caller.Write(clock), followUp, movedLater: false, cancellationToken);
    }

    /// <summary>A follow-up comes back only to a live record (restore the record first).</summary>
    public async Task EnsureCanRestoreAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (await store.FindInBinAsync(caller.TenantId, id, cancellationToken) is { } followUp
            && (targets.Find(followUp.RelatedType) is not { } target || await target.FindAsync(caller.TenantId, followUp.RelatedId, cancellationToken) is null))
        {
            throw new ConflictException(RelatedDeleted, $"The follow-up's {followUp.RelatedType} '{followUp.RelatedId}' is deleted; restore it first.");
        }
    }

    public Task OnRestoredAsync(Caller caller, RecordBase restored, CancellationToken cancellationToken) =>
        RefreshTargetAsync(caller.Write(clock), (FollowUp)restored, movedLater: true, cancellationToken);

    /// <summary>
    /// Re-points every follow-up of one record at another (a customer merge, a lead conversion), each an
    /// audited update under <paramref name="write"/>'s activity. Idempotent and resumable: a repeat finds
    /// only what is left to move. The receiving record's <c>lastFollowUpAt</c> advances to the newest moved.
    /// </summary>
    public async Task<IReadOnlyList<string>> MoveAsync(WriteContext write, string fromType, string fromId, string toType, string toId, CancellationToken cancellationToken)
    {
        var target = targets.Get(toType);
        var moving = new List<FollowUp>();
        await foreach (var followUp in OfRecordAsync(write.TenantId, fromType, fromId, cancellationToken))
        {
            moving.Add(followUp);
        }
        foreach (var followUp in moving)
        {
            await store.UpdateAsync(write, followUp.Id, null, f => ValueTask.FromResult(
                f.RelatedType == fromType && f.RelatedId == fromId ? f with { RelatedType = toType, RelatedId = toId } : f), cancellationToken: cancellationToken);
        }
        if (FollowUpRules.Newest(moving) is { } newest)
        {
            await target.SetLastFollowUpAsync(write, toId, last => FollowUpRules.Advanced(last, newest), cancellationToken);
        }
        return [.. moving.Select(f => f.Id)];
    }

    /// <summary>Every live follow-up of one record, whoever wrote it: one range of the relatedId index.</summary>
    public IAsyncEnumerable<FollowUp> OfRecordAsync(string tenantId, string type, string id, CancellationToken cancellationToken) =>
        store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("relatedId", id), new("relatedType", type)], Limit = 200 }, cancellationToken);

    /// <summary>Forward moves only advance (cheap, and safe against a concurrent older write); anything else recomputes.</summary>
    private async Task RefreshTargetAsync(WriteContext write, FollowUp followUp, bool movedLater, CancellationToken cancellationToken)
    {
        if (targets.Find(followUp.RelatedType) is not { } target)
        {
            return;
        }
        if (movedLater)
        {
            await target.SetLastFollowUpAsync(write, followUp.RelatedId, last => FollowUpRules.Advanced(last, followUp.OccurredAt), cancellationToken);
            return;
        }
        var remaining = new List<FollowUp>();
        await foreach (var f in OfRecordAsync(write.TenantId, followUp.RelatedType, followUp.RelatedId, cancellationToken))
        {
            remaining.Add(f);
        }
        var newest = FollowUpRules.Newest(remaining);
        await target.SetLastFollowUpAsync(write, followUp.RelatedId, _ => newest, cancellationToken);
    }
}
