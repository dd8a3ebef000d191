using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Collaboration.Announcements;

public sealed record AnnouncementFields : ModuleFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Title { get; init; } = "";

    [Required, NotBlank, StringLength(20_000, MinimumLength = 1)]
    public string Body { get; init; } = "";

    /// <summary>Empty or left out: everyone. Otherwise these departments and those under them.</summary>
    [MaxLength(100), EachLength(1, 26)]
    public IReadOnlyList<string>? DepartmentIds { get; init; }

    public bool Pinned { get; init; }
}

internal sealed class AnnouncementRecordType : RecordType<Announcement>
{
    public override string Name => "announcement";
    public override string Table => "announcements";
    public override string DisplayName(Announcement record) => record.Title;
    /// <summary>Published ones are one index range, the feed's.</summary>
    public override IReadOnlyList<string> IndexedFields => ["published"];

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["title", "pinned", "published", "publishedAt", "createdAt", "updatedAt"]);
}

internal sealed class AnnouncementReceiptRecordType : RecordType<AnnouncementReceipt>
{
    public override string Name => "announcementReceipt";
    public override string Table => "announcementreceipts";
    public override string DisplayName(AnnouncementReceipt record) => record.UserId;
    public override IReadOnlyList<string> IndexedFields => ["announcementId", "userId"];
    public override IEnumerable<UniqueKey> UniqueKeys(AnnouncementReceipt record) =>
        [new("reader", $"{record.AnnouncementId}~{record.UserId}", "announcement.already_read", "You have read this announcement.")];
    public override IEnumerable<SearchTerm> SearchTerms(AnnouncementReceipt record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["announcementId", "userId", "createdAt"]);
}

/// <summary>An announcement's audience departments exist; once published, it is what its readers read and stays so.</summary>
internal sealed class AnnouncementService(RecordStore<Announcement> store, AccessDirectory directory, OwnedAccess access, TimeProvider clock)
    : RecordService<Announcement, AnnouncementFields>(store, access, clock)
{
    public const string Published = "announcement.published";

    protected override async ValueTask<Announcement> CreatingAsync(Caller caller, AnnouncementFields input, Announcement record, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await EnsureDepartmentsAsync(caller, record.DepartmentIds, cancellationToken);
        return record;
    }

    protected override async ValueTask<Announcement> UpdatingAsync(Caller caller, Announcement current, AnnouncementFields changes, Announcement updated,
        CancellationToken cancellationToken)
    {
        await EnsureDepartmentsAsync(caller, updated.DepartmentIds, cancellationToken);
        return updated;
    }

    /// <summary>Readers have read it as published: a correction is a new announcement.</summary>
    protected override void EnsureEditable(Announcement current)
    {
        if (current.PublishedAt is not null)
        {
            throw new ConflictException(Published, "A published announcement is not edited; publish a new one (or delete it).");
        }
    }

    private async Task EnsureDepartmentsAsync(Caller caller, IReadOnlyList<string> departmentIds, CancellationToken cancellationToken)
    {
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        for (var i = 0; i < departmentIds.Count; i++)
        {
            if (!org.KnowsDepartment(departmentIds[i]))
            {
                throw new ValidationException($"departmentIds[{i}]", $"No department with id '{departmentIds[i]}'.", "announcement.department_not_found");
            }
        }
    }
}

/// <summary>An announcement in the caller's feed, with whether they have read it.</summary>
public sealed record FeedItem(string Id, string Title, string Body, bool Pinned, DateTimeOffset PublishedAt, string PublishedBy, bool Read);

public sealed record AnnouncementFeed(IReadOnlyList<FeedItem> Items, int Unread);

public sealed record ReadReceipt(string UserId, DateTimeOffset ReadAt);

public sealed record ReceiptsPage(IReadOnlyList<ReadReceipt> Items, string? NextCursor);

/// <summary>
/// Publishing (once), the caller's feed of what is published to them (pinned first, then newest; with unread
/// counts), marking one read (idempotent), and the read receipts for those who manage announcements.
/// </summary>
internal sealed class AnnouncementFeedRoutes(RecordWriter<Announcement, AnnouncementFields, AnnouncementService> announcements,
    RecordStore<AnnouncementReceipt> receipts, AccessDirectory directory, TimeProvider clock) : IApiFeature
{
    public const string Publish = "publish";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/announcements").WithTags("Announcements");
        group.MapPost("/{id}/publish", PublishAnnouncement).RequirePermission("announcements.publish").WithName("PublishAnnouncement").TakesNoBody().ChecksIfMatch()
            .WithSummary("Publish a draft announcement to its audience");
        group.MapGet("/feed", GetAnnouncementFeed).AnyCaller().WithName("GetAnnouncementFeed")
            .WithSummary("The announcements published to you, pinned first then newest, with whether you read each and how many you have not; ?unread=true for those only");
        group.MapPost("/{id}/read", ReadAnnouncement).AnyCaller().WithName("ReadAnnouncement").TakesNoBody()
            .WithSummary("Mark an announcement published to you read");
        group.MapGet("/{id}/receipts", ListAnnouncementReceipts).RequirePermission("announcements.view").WithName("ListAnnouncementReceipts")
            .WithSummary("Who read an announcement and when, latest first");
    }

    public static async Task<RecordJson<Announcement>> PublishAnnouncement(string id, AnnouncementFeedRoutes feature, HttpContext context)
    {
        var caller = context.Caller();
        var published = await feature.PublishAsync(caller, id, Preconditions.IfMatch(context), context.RequestAborted);
        Preconditions.SetETag(context, published);
        return new RecordJson<Announcement>(RecordShape.Answer(caller, "announcements", published));
    }

    public static async Task<Ok<AnnouncementFeed>> GetAnnouncementFeed(AnnouncementFeedRoutes feature, HttpContext context, bool unread = false) =>
        TypedResults.Ok(await feature.FeedAsync(context.Caller(), unread, context.RequestAborted));

    public static async Task<NoContent> ReadAnnouncement(string id, AnnouncementFeedRoutes feature, HttpContext context)
    {
        await feature.ReadAsync(context.Caller(), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ReceiptsPage>> ListAnnouncementReceipts(string id, AnnouncementFeedRoutes feature, HttpContext context, int limit = 50,
        string? cursor = null) =>
        TypedResults.Ok(await feature.ReceiptsAsync(context.Caller(), id, limit, cursor, context.RequestAborted));

    public Task<Announcement> PublishAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken) =>
        announcements.ChangeAsync(caller, id, ifMatch, Publish, null, a => a.PublishedAt is not null
            ? throw new ConflictException(AnnouncementService.Published, "The announcement is published already.")
            : a with { PublishedAt = clock.GetUtcNow(), PublishedBy = caller.UserId }, cancellationToken);

    public async Task<ReceiptsPage> ReceiptsAsync(Caller caller, string id, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        var announcement = await announcements.ReadAsync(caller, id, cancellationToken);
        var page = await receipts.ListAsync(caller.TenantId,
            new ListQuery { FieldEquals = [new("announcementId", announcement.Id)], Limit = limit, Cursor = cursor }, cancellationToken);
        return new ReceiptsPage([.. page.Items.Select(r => new ReadReceipt(r.UserId, r.CreatedAt))], page.NextCursor);
    }

    /// <summary>Every published announcement is one index range; company notices are few enough to read them all and filter by audience.</summary>
    public async Task<AnnouncementFeed> FeedAsync(Caller caller, bool unreadOnly, CancellationToken cancellationToken)
    {
        var chain = await ChainAsync(caller, cancellationToken);
        var read = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var receipt in receipts.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("userId", caller.UserId)], Limit = 200 }, cancellationToken))
        {
            read.Add(receipt.AnnouncementId);
        }
        var items = new List<FeedItem>();
        await foreach (var a in announcements.Store.ListAllAsync(caller.TenantId, new ListQuery { FieldEquals = [new("published", "true")], Limit = 200 }, cancellationToken))
        {
            if (AnnouncementRules.Reaches(a, chain))
            {
                items.Add(new FeedItem(a.Id, a.Title, a.Body, a.Pinned, a.PublishedAt!.Value, a.PublishedBy!, read.Contains(a.Id)));
            }
        }
        var unread = items.Count(i => !i.Read);
        return new AnnouncementFeed([.. items.Where(i => !unreadOnly || !i.Read).OrderByDescending(i => i.Pinned).ThenByDescending(i => i.PublishedAt)], unread);
    }

    /// <summary>Only an announcement published to the caller is theirs to read; any other answers 404.</summary>
    public async Task ReadAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var announcement = await announcements.Store.FindAsync(caller.TenantId, id, cancellationToken);
        if (announcement is null || !AnnouncementRules.Reaches(announcement, await ChainAsync(caller, cancellationToken)))
        {
            throw new NotFoundException("announcement", id);
        }
        if (await receipts.FindIdByUniqueKeyAsync(caller.TenantId, "reader", $"{id}~{caller.UserId}", cancellationToken) is not null)
        {
            return;
        }
        try
        {
            await receipts.CreateAsync(caller.Write(clock), new AnnouncementReceipt { AnnouncementId = id, UserId = caller.UserId }, cancellationToken: cancellationToken);
        }
        catch (ConflictException)
        {
            // Read twice at once: one receipt, the same outcome.
        }
    }

    private async Task<IReadOnlyList<string>> ChainAsync(Caller caller, CancellationToken cancellationToken)
    {
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        return org.DepartmentOf(caller.UserId) is { } department ? [.. org.DepartmentChain(department)] : [];
    }
}
