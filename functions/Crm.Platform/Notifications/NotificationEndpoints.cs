using Crm.Domain.Notifications;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Notifications;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Notifications;

public sealed record ReadAllResult(int Read);

/// <summary>
/// The caller's own in-app notifications. Every user has them, so no permission is needed; another
/// user's notification is in another partition and answers 404 like an unknown id.
/// </summary>
public static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationStore>().AddTable(NotificationStore.TableName);
        services.AddSingleton<INotifier, TableNotifier>();
        return services;
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/notifications").WithTags("Notifications");
        group.MapGet("/", ListNotifications).AnyCaller().WithName("ListNotifications")
            .WithSummary("Your notifications, newest first; ?unread=true for the unread ones only");
        group.MapPost("/{id}/read", ReadNotification).AnyCaller().WithName("ReadNotification")
            .WithSummary("Mark one of your notifications read");
        group.MapPost("/read-all", ReadAllNotifications).AnyCaller().WithName("ReadAllNotifications")
            .WithSummary("Mark all your notifications read");
        return routes;
    }

    public static async Task<Ok<Page<Notification>>> ListNotifications(NotificationStore store, HttpContext context, bool unread = false, int limit = 50, string? cursor = null)
    {
        var caller = context.Caller();
        ListParameters.EnsureLogPage(limit);
        return TypedResults.Ok(await store.ListAsync(caller.TenantId, caller.UserId, unread, limit, cursor, context.RequestAborted));
    }

    public static async Task<Ok<Notification>> ReadNotification(string id, NotificationStore store, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        return TypedResults.Ok(await store.MarkReadAsync(caller.TenantId, caller.UserId, id, clock.GetUtcNow(), context.RequestAborted));
    }

    public static async Task<Ok<ReadAllResult>> ReadAllNotifications(NotificationStore store, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        return TypedResults.Ok(new ReadAllResult(await store.MarkAllReadAsync(caller.TenantId, caller.UserId, clock.GetUtcNow(), context.RequestAborted)));
    }
}
