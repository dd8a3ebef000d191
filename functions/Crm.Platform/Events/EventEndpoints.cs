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

    public static async Task<Ok<EventPage>> ListEvents(EventFeed feed, RecordTypeRegistry registry, AccessDirectory directory, TimeProvider clock,
        HttpContext context, string? after = null, string? types = null, int limit = 100)
    {
        if (limit is < 1 or > 500)
        {
            throw new ValidationException("limit", "Must be between 1 and 500.");
        }
        var typeSet = string.IsNullOrWhiteSpace(types)
            ? null
            : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var caller = context.Caller();
        var org = caller.IsSuperAdmin ? OrgChart.Empty : await directory.OrgChartAsync(caller.TenantId, context.RequestAborted);
        var now = clock.GetUtcNow();
        // The event carries the owner and team of the record when it changed: scope is judged on those.
        bool Visible(ChangeEvent e) => registry.Find(e.Data.RecordType) is not { IsOwned: true } store
            || RecordAccess.Decide(caller.Access, org, caller.UserId, store.TableName, Permissions.Actions.View, e.Data.OwnerId, e.Data.Team ?? [], now) == AccessDecision.Allowed;
        var (items, last) = await feed.ReadAsync(caller.TenantId, string.IsNullOrEmpty(after) ? null : after, typeSet, limit, Visible, context.RequestAborted);
        return TypedResults.Ok(new EventPage(items.Select(e => Shape(caller, registry, e)).ToList(), last));
    }

    private static ChangeEvent Shape(Caller caller, RecordTypeRegistry registry, ChangeEvent e) =>
        registry.Find(e.Data.RecordType) is { } store && caller.Access.FieldRulesFor(store.TableName) is { Count: > 0 } rules
            ? e with { Data = e.Data with { Changes = FieldRules.Apply(e.Data.Changes, rules) } }
            : e;
}
