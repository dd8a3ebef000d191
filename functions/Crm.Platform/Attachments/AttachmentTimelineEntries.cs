using Crm.Domain.Attachments;
using Crm.Domain.Common;
using Crm.Platform.Timeline;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Attachments;

/// <summary>A record's files on its timeline, each when it was first attached (its versions and deletion are in its own history).</summary>
public sealed class AttachmentTimelineEntries(RecordStore<Attachment> store) : ITimelineEntries
{
    public const string Kind = "attachment";

    public async Task<IReadOnlyList<TimelineItem>> ReadAsync(Caller caller, TimelineSource source, (DateTimeOffset Time, string Id)? after, int need,
        CancellationToken cancellationToken)
    {
        var found = new List<Attachment>();
        await foreach (var attachment in store.ListAllAsync(caller.TenantId,
            new ListQuery { FieldEquals = [new("relatedId", source.Id), new("relatedType", source.Type)], Limit = 200 }, cancellationToken))
        {
            if (TimelineService.IsAfter(attachment.CreatedAt, attachment.Id, after))
            {
                found.Add(attachment);
            }
        }
        return [.. found.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal).Take(need)
            .Select(a => new TimelineItem(a.Id, Kind, a.CreatedAt, a.CreatedBy, source.Type, source.Id, Document: CrmJson.ToObject(a)))];
    }
}
