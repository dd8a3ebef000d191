using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Storage.Events;

namespace Crm.Storage.Records;

public sealed partial class RecordStore<T>
{
    /// <summary>
    /// The audit entry (twice: by time for the operation log, by record for its history) and the
    /// outbox event of a change, added to the change's own transaction.
    /// </summary>
    private IEnumerable<TableTransactionAction> Trail(WriteContext context, AuditAction action, T record, Dictionary<string, FieldChange> changes)
    {
        var id = Ids.New(context.Now);
        var (fitted, truncated) = Fit(changes);
        var entry = new AuditEntry
        {
            Id = id,
            Time = context.Now,
            RecordType = type.Name,
            RecordId = record.Id,
            RecordName = type.DisplayName(record),
            Action = action,
            Activity = context.Activity,
            ActorId = context.ActorId,
            ApiKeyId = context.ApiKeyId,
            SourceIp = context.SourceIp,
            Changes = fitted,
            Truncated = truncated,
        };
        foreach (var row in AuditRows(context, id, record.Id, CrmJson.Serialize(entry)))
        {
            yield return row;
        }

        var change = new ChangeEvent
        {
            Id = id,
            Type = $"crm.{type.Name}.{action.ToString().ToLowerInvariant()}",
            Source = $"/tenants/{context.TenantId}",
            Time = context.Now,
            TenantId = context.TenantId,
            Subject = $"{type.Table}/{record.Id}",
            Actor = context.ActorId,
            Data = new ChangeEventData
            {
                RecordType = type.Name,
                RecordId = record.Id,
                OwnerId = (record as IOwnedRecord)?.OwnerId,
                Team = (record as IOwnedRecord)?.Team,
                Activity = context.Activity,
                Changes = fitted,
                Truncated = truncated,
            },
        };
        yield return new(TableTransactionActionType.Add, new TableEntity(context.TenantId, RowKeys.Outbox(id)) { [DataProperty] = CrmJson.Serialize(change) });
    }

    /// <summary>
    /// Records in the operation log that the caller exported records of this type. Only the log row is
    /// written: no record changed, so there is no history row and no change event.
    /// </summary>
    public Task AuditExportAsync(WriteContext context, string note, CancellationToken cancellationToken = default) =>
        AuditActionAsync(context, AuditAction.Exported, note, null, cancellationToken);

    /// <summary>
    /// Records in the operation log an action that changed no record row: an export (no record), or an
    /// action on one record whose state is kept elsewhere, such as ending a user's sign-in lockout, which
    /// also goes in that record's history. There is no change event, as the record did not change.
    /// </summary>
    public async Task AuditActionAsync(WriteContext context, AuditAction action, string note, T? record, CancellationToken cancellationToken = default)
    {
        var id = Ids.New(context.Now);
        var recordId = record?.Id ?? "";
        var json = CrmJson.Serialize(new AuditEntry
        {
            Id = id,
            Time = context.Now,
            RecordType = type.Name,
            RecordId = recordId,
            RecordName = record is null ? type.Table : type.DisplayName(record),
            Action = action,
            Activity = context.Activity,
            ActorId = context.ActorId,
            ApiKeyId = context.ApiKeyId,
            SourceIp = context.SourceIp,
            Note = note.Length > 1_000 ? note[..1_000] : note,
        });
        await Table.SubmitTransactionAsync(AuditRows(context, id, recordId, json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An audit entry's rows: by time for the operation log, and by record for its history when it is
    /// about one record.
    /// </summary>
    private static IEnumerable<TableTransactionAction> AuditRows(WriteContext context, string id, string recordId, string json)
    {
        TableEntity Row(string key) => new(context.TenantId, key)
        {
            [DataProperty] = json,
            ["ActorId"] = context.ActorId,
            ["RecordId"] = recordId,
        };
        yield return new(TableTransactionActionType.Add, Row(RowKeys.Audit(context.Now, id)));
        if (recordId.Length > 0)
        {
            yield return new(TableTransactionActionType.Add, Row(RowKeys.History(recordId, context.Now, id)));
        }
    }

    /// <summary>
    /// Keeps a change small enough for one table property: when the values are too long, only the
    /// names of the changed fields are kept and the entry says it was truncated.
    /// </summary>
    private static (IReadOnlyDictionary<string, FieldChange> Changes, bool Truncated) Fit(Dictionary<string, FieldChange> changes)
    {
        if (CrmJson.Serialize(changes).Length <= TableLimits.MaxRecordJsonChars)
        {
            return (changes, false);
        }
        return (changes.ToDictionary(c => c.Key, _ => new FieldChange(null, null), StringComparer.Ordinal), true);
    }
}
