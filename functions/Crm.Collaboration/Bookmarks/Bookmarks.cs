using System.ComponentModel.DataAnnotations;
using Crm.Collaboration.Links;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Collaboration.Bookmarks;

public sealed record AddBookmark
{
    /// <summary>The record's name when a record is bookmarked without one.</summary>
    [StringLength(200)]
    public string? Title { get; init; }

    [StringLength(2_000), Url]
    public string? Url { get; init; }

    [StringLength(50, MinimumLength = 1)]
    public string? RecordType { get; init; }

    [StringLength(26, MinimumLength = 1)]
    public string? RecordId { get; init; }
}

internal sealed class BookmarkRecordType : RecordType<Bookmark>
{
    public override string Name => "bookmark";
    public override string Table => "bookmarks";
    public override string DisplayName(Bookmark record) => record.Title;
    public override IReadOnlyList<string> IndexedFields => ["userId"];

    /// <summary>A user bookmarks a record or an address once.</summary>
    public override IEnumerable<UniqueKey> UniqueKeys(Bookmark record) =>
        [new("target", $"{record.UserId}~{record.Url ?? $"{record.RecordType}~{record.RecordId}"}", "bookmark.exists", "You have bookmarked this already.")];

    public override IEnumerable<SearchTerm> SearchTerms(Bookmark record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["userId", "recordType", "createdAt"]);
}

/// <summary>
/// Each user's own bookmarks of records and web addresses. Everyone has them, so no permission is needed; another
/// user's bookmark answers 404 like an unknown id, whatever the caller's role. A bookmarked record must be one the
/// user can see when they bookmark it; opening it later goes through the record's own routes and access.
/// </summary>
internal sealed class BookmarkEndpoints(RecordStore<Bookmark> bookmarks, RelatedRecords related, TimeProvider clock) : IApiFeature
{
    public const string TargetRequired = "bookmark.target_required";
    public const string TypeUnknown = "bookmark.record_type_unknown";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/bookmarks").WithTags("Bookmarks");
        group.MapGet("/", ListBookmarks).AnyCaller().WithName("ListBookmarks").WithSummary("Your bookmarks, newest first");
        group.MapPost("/", CreateBookmark).AnyCaller().WithName("CreateBookmark").WithSummary("Bookmark a record you can see, or a web address");
        group.MapDelete("/{id}", DeleteBookmark).AnyCaller().WithName("DeleteBookmark").WithSummary("Remove one of your bookmarks");
    }

    public static async Task<Ok<Page<Bookmark>>> ListBookmarks(BookmarkEndpoints feature, HttpContext context, int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await feature.ListAsync(context.Caller(), limit, cursor, context.RequestAborted));

    public static async Task<Created<Bookmark>> CreateBookmark(AddBookmark input, BookmarkEndpoints feature, HttpContext context)
    {
        var bookmark = await feature.CreateAsync(context.Caller(), RequestValidation.Validate(input), context.RequestAborted);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/bookmarks/{bookmark.Id}", bookmark);
    }

    public static async Task<NoContent> DeleteBookmark(string id, BookmarkEndpoints feature, HttpContext context)
    {
        await feature.DeleteAsync(context.Caller(), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public async Task<Page<Bookmark>> ListAsync(Caller caller, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ListParameters.EnsureLogPage(limit);
        return await bookmarks.ListAsync(caller.TenantId, new ListQuery { FieldEquals = [new("userId", caller.UserId)], Limit = limit, Cursor = cursor }, cancellationToken);
    }

    /// <summary>Another user's bookmark is as unknown as a missing one.</summary>
    public async Task DeleteAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var bookmark = await bookmarks.FindAsync(caller.TenantId, id, cancellationToken);
        if (bookmark is null || bookmark.UserId != caller.UserId)
        {
            throw new NotFoundException("bookmark", id);
        }
        await bookmarks.DeleteAsync(caller.Write(clock), id, null, cancellationToken);
    }

    public async Task<Bookmark> CreateAsync(Caller caller, AddBookmark input, CancellationToken cancellationToken)
    {
        var url = input.Url?.Trim();
        var toRecord = input.RecordType is not null || input.RecordId is not null;
        if ((url is null) == !toRecord || toRecord && (input.RecordType is null || input.RecordId is null))
        {
            throw new ValidationException(url is null && !toRecord ? "url" : "recordId", "Bookmark either a web address (url) or a record (recordType and recordId).", TargetRequired);
        }
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new ValidationException("url", "An http or https address.");
        }
        var title = input.Title?.Trim();
        if (toRecord)
        {
            var record = await related.VisibleAsync(caller, input.RecordType!, input.RecordId!, "recordType", TypeUnknown, cancellationToken);
            return await bookmarks.CreateAsync(caller.Write(clock), new Bookmark
            {
                UserId = caller.UserId, Title = string.IsNullOrEmpty(title) ? record.Name : title, RecordType = record.Type, RecordId = record.Id,
            }, cancellationToken: cancellationToken);
        }
        return await bookmarks.CreateAsync(caller.Write(clock), new Bookmark { UserId = caller.UserId, Title = string.IsNullOrEmpty(title) ? url! : title, Url = url },
            cancellationToken: cancellationToken);
    }
}
