using Azure.Data.Tables;
using Crm.Domain.Common;

namespace Crm.Storage.Records;

public sealed record AuditQuery(string? RecordType, string? RecordId, string? ActorId, DateTimeOffset? From, DateTimeOffset? To, int Limit, string? Cursor);

/// <summary>
/// The operation log, newest first. A record's history is one key range (<c>h~{id}</c>); the log of
/// a period is the <c>a~</c> range of every record type's table, merged.
/// </summary>
public sealed class AuditLog(RecordTypeRegistry registry)
{
    public async Task<Page<AuditEntry>> QueryAsync(string tenantId, AuditQuery query, CancellationToken cancellationToken)
    {
        var stores = registry.Stores.Where(s => query.RecordType is null || s.TypeName == query.RecordType).ToList();
        if (stores.Count == 0)
        {
            throw new ValidationException("recordType", $"Unknown record type. Known: {string.Join(", ", registry.Stores.Select(s => s.TypeName))}.");
        }
        var head = query.RecordId is null ? "a~" : $"h~{RowKeys.Escape(query.RecordId)}~";
        var start = head + (query.To is { } to ? RowKeys.Inverted(to) : "");
        var end = query.From is { } from ? head + RowKeys.Inverted(from) + "~~" : RowKeys.PrefixEnd(head);
        var hash = ListCursor.Hash(head, query.RecordType, query.ActorId, start, end);
        var cursor = ListCursor.Decode(query.Cursor, hash);
        var (rows, next) = await MergedRange.ReadAsync(stores.Select(s => s.Table), tenantId, cursor?.LastKey ?? start, cursor is not null, end,
            query.Limit, r => query.ActorId is null || r.GetString("ActorId") == query.ActorId, ["D", "ActorId"], cancellationToken).ConfigureAwait(false);
        return new Page<AuditEntry>(
            rows.Select(r => CrmJson.Deserialize<AuditEntry>(r.GetString("D"))).ToList(),
            next is null ? null : new ListCursor(next, hash).Encode());
    }
}
