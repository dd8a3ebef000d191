using Crm.Collaboration.Links;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Collaboration.Tags;

/// <summary>A record with a tag, as the caller may see it.</summary>
public sealed record TaggedRecord(string RecordType, string RecordId, string Name, DateTimeOffset TaggedAt);

public sealed record TaggedRecordsPage(IReadOnlyList<TaggedRecord> Items, string? NextCursor);

public sealed record RecordTagsPage(IReadOnlyList<Tag> Items);

/// <summary>
/// Putting tags on records of any linkable type the caller can see (<see cref="RelatedRecords"/>), taking them off,
/// and reading both ways: a tag's records (those the caller can see) and a record's tags. Idempotent: tagging a
/// record twice answers the first tagging, untagging an untagged one 204.
/// </summary>
internal sealed class TagEndpoints(RecordStore<Tag> tags, RecordStore<Tagging> taggings, RelatedRecords related, TimeProvider clock) : IApiFeature
{
    public const string Apply = "apply";
    public const string TypeUnknown = "tag.record_type_unknown";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/tags").WithTags("Tags");
        group.MapPut("/{id}/records/{recordType}/{recordId}", TagRecord).RequirePermission("tags.apply").WithName("TagRecord").TakesNoBody()
            .WithSummary("Put the tag on a record you can see (customer, contact, opportunity, task...); 201, or 200 when it has it already");
        group.MapDelete("/{id}/records/{recordType}/{recordId}", UntagRecord).RequirePermission("tags.apply").WithName("UntagRecord")
            .WithSummary("Take the tag off a record");
        group.MapGet("/{id}/records", ListTaggedRecords).RequirePermission("tags.view").WithName("ListTaggedRecords")
            .WithSummary("The records with the tag that you can see, latest tagged first; ?recordType= for one type");
        group.MapGet("/on/{recordType}/{recordId}", ListRecordTags).RequirePermission("tags.view").WithName("ListRecordTags")
            .WithSummary("The tags on a record you can see");
    }

    public static async Task<RecordJson<Tagging>> TagRecord(string id, string recordType, string recordId, TagEndpoints feature, HttpContext context)
    {
        var (tagging, created) = await feature.TagAsync(context.Caller(), id, recordType, recordId, context.RequestAborted);
        return created
            ? new RecordJson<Tagging>(tagging, StatusCodes.Status201Created, $"{context.Request.PathBase}{context.Request.Path}")
            : new RecordJson<Tagging>(tagging);
    }

    public static async Task<NoContent> UntagRecord(string id, string recordType, string recordId, TagEndpoints feature, HttpContext context)
    {
        await feature.UntagAsync(context.Caller(), id, recordType, recordId, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<TaggedRecordsPage>> ListTaggedRecords(string id, TagEndpoints feature, HttpContext context, string? recordType = null,
        int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await feature.RecordsAsync(context.Caller(), id, recordType, limit, cursor, context.RequestAborted));

    public static async Task<Ok<RecordTagsPage>> ListRecordTags(string recordType, string recordId, TagEndpoints feature, HttpContext context) =>
        TypedResults.Ok(await feature.TagsOfAsync(context.Caller(), recordType, recordId, context.RequestAborted));

    public async Task<(Tagging Tagging, bool Created)> TagAsync(Caller caller, string tagId, string recordType, string recordId, CancellationToken cancellationToken)
    {
        var tag = await tags.GetAsync(caller.TenantId, tagId, cancellationToken);
        var record = await related.VisibleAsync(caller, recordType, recordId, "recordType", TypeUnknown, cancellationToken);
        if (await FindAsync(caller.TenantId, tag.Id, record.Type, record.Id, cancellationToken) is { } existing)
        {
            return (existing, false);
        }
        try
        {
            return (await taggings.CreateAsync(caller.Write(clock), new Tagging { TagId = tag.Id, RecordType = record.Type, RecordId = record.Id },
                cancellationToken: cancellationToken), true);
        }
        catch (ConflictException)
        {
            // Tagged by a concurrent request in between: the same outcome.
            return (await FindAsync(caller.TenantId, tag.Id, record.Type, record.Id, cancellationToken) ?? throw new ConflictException("tag.already_on_record", "The record has this tag."), false);
        }
    }

    public async Task UntagAsync(Caller caller, string tagId, string recordType, string recordId, CancellationToken cancellationToken)
    {
        var tag = await tags.GetAsync(caller.TenantId, tagId, cancellationToken);
        var record = await related.VisibleAsync(caller, recordType, recordId, "recordType", TypeUnknown, cancellationToken);
        if (await FindAsync(caller.TenantId, tag.Id, record.Type, record.Id, cancellationToken) is { } tagging)
        {
            try
            {
                await taggings.DeleteAsync(caller.Write(clock), tagging.Id, null, cancellationToken);
            }
            catch (NotFoundException)
            {
                // Untagged by a concurrent request: the same outcome.
            }
        }
    }

    public async Task<TaggedRecordsPage> RecordsAsync(Caller caller, string tagId, string? recordType, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        var tag = await tags.GetAsync(caller.TenantId, tagId, cancellationToken);
        if (recordType is not null)
        {
            related.Get(recordType, "recordType", TypeUnknown);
        }
        var page = await taggings.ListAsync(caller.TenantId, new ListQuery
        {
            FieldEquals = recordType is null ? [new("tagId", tag.Id)] : [new("tagId", tag.Id), new("recordType", recordType)],
            Limit = limit,
            Cursor = cursor,
        }, cancellationToken);
        var items = new List<TaggedRecord>();
        foreach (var tagging in page.Items)
        {
            // A record deleted or out of the caller's reach is left out, as its own list would leave it out.
            if (related.Find(tagging.RecordType) is { } store && await related.FindVisibleAsync(caller, store, tagging.RecordId, cancellationToken) is { } record)
            {
                items.Add(new TaggedRecord(record.Type, record.Id, record.Name, tagging.CreatedAt));
            }
        }
        return new TaggedRecordsPage(items, page.NextCursor);
    }

    public async Task<RecordTagsPage> TagsOfAsync(Caller caller, string recordType, string recordId, CancellationToken cancellationToken)
    {
        var record = await related.VisibleAsync(caller, recordType, recordId, "recordType", TypeUnknown, cancellationToken);
        var tagIds = new List<string>();
        await foreach (var tagging in taggings.ListAllAsync(caller.TenantId,
            new ListQuery { FieldEquals = [new("recordId", record.Id), new("recordType", record.Type)], Limit = 200 }, cancellationToken))
        {
            tagIds.Add(tagging.TagId);
        }
        var found = await tags.GetManyAsync(caller.TenantId, tagIds, cancellationToken);
        return new RecordTagsPage([.. found.Values.OrderBy(t => t.Name, StringComparer.CurrentCulture)]);
    }

    private async Task<Tagging?> FindAsync(string tenantId, string tagId, string recordType, string recordId, CancellationToken cancellationToken) =>
        await taggings.FindIdByUniqueKeyAsync(tenantId, "target", $"{tagId}~{recordType}~{recordId}", cancellationToken) is { } id
            ? await taggings.FindAsync(tenantId, id, cancellationToken)
            : null;
}
