using System.Buffers.Text;
using System.Text.Json;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Collaboration.Tasks;

/// <summary>
/// The caller's own tasks (owned or participating) in one view, each view one key range of the person-and-time
/// index: inbox (no due time), today (overdue included), the next seven days, later (soonest first) and done
/// (latest first). Days are the tenant's time zone's. A page's cost is its size, whatever the number of tasks.
/// </summary>
internal sealed class TaskViews(RecordStore<WorkTask> store, OwnedAccess access, TenantStore tenants, TimeProvider clock)
{
    /// <summary>Where the next page starts: the index value of the last task returned, and the ids already returned with it.</summary>
    private sealed record ViewCursor(string Value, IReadOnlyList<string> Ids);

    public async Task<Page<WorkTask>> ReadAsync(Caller caller, TaskView view, int limit, string? cursor, CancellationToken cancellationToken)
    {
        caller.Require($"{store.TableName}.{Permissions.Actions.View}");
        ListParameters.EnsureLogPage(limit);
        var after = Decode(cursor);
        var zone = (await tenants.FindAsync(caller.TenantId, cancellationToken))?.Zone ?? TimeZoneInfo.Utc;
        var range = TaskRules.ViewRange(caller.UserId, view, clock.GetUtcNow(), zone);
        if (after is not null && (string.CompareOrdinal(after.Value, range.From) < 0 || string.CompareOrdinal(after.Value, range.Before) >= 0))
        {
            throw new ValidationException("cursor", "Not a cursor of this view.");
        }
        var prefix = caller.UserId + ":";
        var items = new List<(WorkTask Task, string Value)>();
        await foreach (var task in store.WithFieldBetweenAsync(caller.TenantId, TaskRecordType.AssigneeIndex, after?.Value ?? range.From, range.Before, cancellationToken))
        {
            var value = TaskRules.AssigneeValues(task).First(v => v.StartsWith(prefix, StringComparison.Ordinal));
            if (after is not null && value == after.Value && after.Ids.Contains(task.Id, StringComparer.Ordinal))
            {
                continue;
            }
            // A participant taken off the task's team by hand no longer sees it, though the index still lists them.
            if (!await access.MaySeeAsync(caller, store.TableName, task, cancellationToken))
            {
                continue;
            }
            if (items.Count == limit)
            {
                var last = items[^1].Value;
                var ids = items.Where(i => i.Value == last).Select(i => i.Task.Id);
                return new Page<WorkTask>([.. items.Select(i => i.Task)], Encode(new ViewCursor(last, [.. after is not null && after.Value == last ? after.Ids.Concat(ids) : ids])));
            }
            items.Add((task, value));
        }
        return new Page<WorkTask>([.. items.Select(i => i.Task)], null);
    }

    private static string Encode(ViewCursor cursor) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(cursor, CrmJson.Options));

    private static ViewCursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ViewCursor>(Base64Url.DecodeFromChars(cursor), CrmJson.Options) ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new ValidationException("cursor", "Not a cursor of this view.");
        }
    }
}
