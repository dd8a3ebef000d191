using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Functions.Access;
using Crm.Functions.Hosting;
using Crm.Storage.Events;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Events;

public sealed record EventPage(IReadOnlyList<ChangeEvent> Items, string? NextCursor);

internal static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/events", ListEvents).WithTags("Events").RequirePermission(Permissions.EventsView).WithName("ListEvents")
            .WithSummary("The change feed: events after the given event id, in publication order; pass nextCursor as 'after' to continue");
        return routes;
    }

    public static async Task<Ok<EventPage>> ListEvents(EventFeed feed, HttpContext context, string? after = null, string? types = null, int limit = 100)
    {
        if (limit is < 1 or > 500)
        {
            throw new ValidationException("limit", "Must be between 1 and 500.");
        }
        var typeSet = string.IsNullOrWhiteSpace(types)
            ? null
            : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var (items, last) = await feed.ReadAsync(context.Caller().TenantId, string.IsNullOrEmpty(after) ? null : after, typeSet, limit, null, context.RequestAborted);
        return TypedResults.Ok(new EventPage(items, last));
    }
}
