using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Events;

public sealed record EventPage(IReadOnlyList<ChangeEvent> Items, string? NextCursor);

public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/events", ListEvents).WithTags("Events").RequirePermission(Permissions.EventsView).WithName("ListEvents")
            .WithSummary("The change feed: events after the given event id, in publication order; pass nextCursor as 'after' to continue. "
                + "Events of owned records come only to callers who may see the record; changed fields follow the caller's field rules");
        return routes;
    }

    public static async Task<Ok<EventPage>> ListEvents(EventFeed feed, FeedViewers viewers, HttpContext context,
        string? after = null, string? types = null, int limit = 100)
    {
        if (limit is < 1 or > 500)
        {
            throw new ValidationException("limit", "Must be between 1 and 500.");
        }
        var typeSet = string.IsNullOrWhiteSpace(types)
            ? null
            : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var caller = context.Caller();
        var viewer = await viewers.ForAsync(caller.TenantId, caller.UserId, caller.Access, context.RequestAborted);
        var (items, last) = await feed.ReadAsync(caller.TenantId, string.IsNullOrEmpty(after) ? null : after, typeSet, limit, viewer.Sees, context.RequestAborted);
        return TypedResults.Ok(new EventPage(items.Select(viewer.Shape).ToList(), last));
    }
}
