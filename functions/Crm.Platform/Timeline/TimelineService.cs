using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Timeline;

/// <summary>
/// One entry of a timeline. <see cref="Kind"/> is <c>followup</c>, the audit action (<c>created</c>,
/// <c>updated</c>, <c>deleted</c>, <c>restored</c>) or the business activity behind it (<c>transferred</c>,
/// <c>stageChanged</c>, <c>won</c>, <c>merged</c>, <c>converted</c>...). <see cref="Changes"/> and
/// <see cref="FollowUp"/> follow the caller's field rules.
/// </summary>
public sealed record TimelineItem(
    string Id, string Kind, DateTimeOffset Time, string? ActorId, string RecordType, string RecordId,
    IReadOnlyDictionary<string, FieldChange>? Changes = null, JsonObject? FollowUp = null, JsonObject? Document = null);

public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, string? NextCursor);

/// <summary>
/// A record's timeline: its audit history (the <c>h~</c> rows the engine writes with every change) and
/// the linked records' (<see cref="ITimelineLinks"/>), merged with the entries other features keep about
/// them (<see cref="ITimelineEntries"/>: follow-ups), newest first. The
/// cursor is the last item's (time, id), so each source is read from there on and a page costs about
/// its size per source whatever the record's age.
/// </summary>
public sealed class TimelineService(AuditLog log, RecordTypeRegistry registry, IEnumerable<ITimelineEntries> entries, IEnumerable<ITimelineLinks> links)
{
    public async Task<TimelinePage> ReadAsync(Caller caller, ITimelineRecord record, string id, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        var after = Decode(cursor);
        var visible = await record.GetVisibleAsync(caller, id, cancellationToken);
        List<TimelineSource> sources = [new(record.TypeName, id), .. links.SelectMany(l => l.Links(visible))];
        var items = new List<TimelineItem>();
        foreach (var source in sources.Distinct())
        {
            items.AddRange(await HistoryAsync(caller, source, after, limit + 1, cancellationToken));
            foreach (var kind in entries)
            {
                items.AddRange(await kind.ReadAsync(caller, source, after, limit + 1, cancellationToken));
            }
        }
        var ordered = items.OrderByDescending(i => i.Time).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        var page = ordered.Take(limit).ToList();
        return new TimelinePage(page, ordered.Count > limit ? Encode(page[^1]) : null);
    }

    /// <summary>The source's audit entries after the cursor. A follow-up's own item says what its <c>followedUp</c> entry would.</summary>
    private async Task<List<TimelineItem>> HistoryAsync(Caller caller, TimelineSource source, (DateTimeOffset Time, string Id)? after, int need, CancellationToken cancellationToken)
    {
        if (registry.Find(source.Type) is not { } store)
        {
            return [];
        }
        var rules = caller.Access.FieldRulesFor(store.TableName);
        var items = new List<TimelineItem>();
        string? logCursor = null;
        do
        {
            var page = await log.QueryAsync(caller.TenantId, new AuditQuery(source.Type, source.Id, null, null, after?.Time, need, logCursor), cancellationToken);
            foreach (var entry in page.Items.Where(e => e.Activity != Activities.FollowedUp && IsAfter(e.Time, e.Id, after)))
            {
                items.Add(new TimelineItem(entry.Id, entry.Activity ?? JsonNamingPolicy.CamelCase.ConvertName(entry.Action.ToString()), entry.Time, entry.ActorId,
                    source.Type, source.Id, FieldRules.Apply(entry.Changes, rules)));
            }
            logCursor = page.NextCursor;
        }
        while (logCursor is not null && items.Count < need);
        return items;
    }

    /// <summary>Newest first, and by id within the same instant: what comes after the cursor's item.</summary>
    public static bool IsAfter(DateTimeOffset time, string id, (DateTimeOffset Time, string Id)? cursor) =>
        cursor is not { } c || time < c.Time || (time == c.Time && string.CompareOrdinal(id, c.Id) > 0);

    private static string Encode(TimelineItem last) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { last.Time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Id }));

    private static (DateTimeOffset Time, string Id)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        try
        {
            if (JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor)) is [{ } ticks, { } id]
                && long.TryParse(ticks, System.Globalization.CultureInfo.InvariantCulture, out var t) && t >= 0 && t <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return (new DateTimeOffset(t, TimeSpan.Zero), id);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }
        throw new ValidationException("cursor", "The cursor is malformed or belongs to another query.", "cursor.invalid");
    }
}
