using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Platform.Web;

namespace Crm.Sales.FollowUps;

/// <summary>A record's follow-ups on its timeline: one index range per record, ordered by when they happened.</summary>
internal sealed class FollowUpTimelineEntries(FollowUpService followUps) : ITimelineEntries
{
    public const string Kind = "followup";

    public async Task<IReadOnlyList<TimelineItem>> ReadAsync(Caller caller, TimelineSource source, (DateTimeOffset Time, string Id)? after, int need,
        CancellationToken cancellationToken)
    {
        var all = new List<FollowUp>();
        await foreach (var followUp in followUps.OfRecordAsync(caller.TenantId, source.Type, source.Id, cancellationToken))
        {
            if (TimelineService.IsAfter(followUp.OccurredAt, followUp.Id, after))
            {
                all.Add(followUp);
            }
        }
        return [.. all.OrderByDescending(f => f.OccurredAt).ThenBy(f => f.Id, StringComparer.Ordinal).Take(need)
            .Select(f => new TimelineItem(f.Id, Kind, f.OccurredAt, f.CreatedBy, source.Type, source.Id,
                FollowUp: RecordShape.Of(caller, followUps.Store.TableName, f)))];
    }
}
