using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Collaboration.Calendar;

internal static class CalendarRegistration
{
    /// <summary>Calendar events as owned records, their answers and reminders, and the merged calendar read.</summary>
    public static IServiceCollection AddCalendar(this IServiceCollection services)
    {
        services.AddOwnedRecords<CalendarEvent, EventRecordType, EventFields, EventService>("Calendar events", "CalendarEvent", "CalendarEvents",
            (OwnerTransfer.Action, "Give calendar events to another owner"));
        services.AddSingleton<CalendarFeed>();
        services.AddSingleton<IApiFeature, CalendarRoutes>();
        services.AddSingleton<EventReminders>();
        services.AddTimerJob<EventReminderJob>(EventReminderJob.Name);
        return services;
    }
}

/// <summary>What events have besides the shared record endpoints: answers, transfer, and the merged calendar.</summary>
internal sealed class CalendarRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/api/v1/calendar", GetCalendar).WithTags("Calendar events").RequirePermission("calendarevents.view").WithName("GetCalendar")
            .WithSummary("Your calendar from ?from= to ?to= (at most 92 days): your events with repeats expanded, your open tasks' due times and your follow-ups' next contact times, in time order");
        var group = api.MapGroup("/api/v1/calendar-events").WithTags("Calendar events");
        group.MapPost("/{id}/response", AnswerCalendarEvent).RequirePermission("calendarevents.view").WithName("AnswerCalendarEvent").ChecksIfMatch()
            .WithSummary("Answer an invitation for yourself: accepted, declined or tentative");
        group.MapPost("/transfer", TransferCalendarEvents).RequirePermission("calendarevents.transfer").WithName("TransferCalendarEvents").ProducesBatch()
            .WithSummary("Give up to 100 events to another owner; 200, or 207 with each item's outcome");
    }

    public static async Task<Ok<CalendarPage>> GetCalendar(CalendarFeed feed, HttpContext context, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        TypedResults.Ok(await feed.ReadAsync(context.Caller(), from, to, context.RequestAborted));

    public static async Task<RecordJson<CalendarEvent>> AnswerCalendarEvent(string id, AnswerEvent input, RecordWriter<CalendarEvent, EventFields, EventService> events,
        TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        RequestValidation.Validate(input);
        if (input.Response is not (EventResponse.Accepted or EventResponse.Declined or EventResponse.Tentative))
        {
            throw new Domain.Common.ValidationException("response", "Must be accepted, declined or tentative.");
        }
        var answered = await events.ChangeAsync(caller, id, Preconditions.IfMatch(context), Permissions.Actions.View, Domain.Common.Activities.Answered,
            e => CalendarRules.Answered(e, caller.UserId, input.Response.Value, clock.GetUtcNow()), context.RequestAborted);
        Preconditions.SetETag(context, answered);
        return new RecordJson<CalendarEvent>(RecordShape.Answer(caller, events.Module, answered));
    }

    public static async Task<IResult> TransferCalendarEvents(TransferRecords input, OwnerTransfer transfer, EventService events, HttpContext context) =>
        Batch.Answer(await transfer.TransferAsync(context.Caller(), events.Store, input, (CalendarEvent _) => { }, context.RequestAborted), context);
}
