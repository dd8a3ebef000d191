using Crm.Domain.Collaboration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Collaboration.Tasks;

internal static class TaskRegistration
{
    /// <summary>Tasks as owned records, their comments, views and reminders.</summary>
    public static IServiceCollection AddTasks(this IServiceCollection services)
    {
        services.AddOwnedRecords<WorkTask, TaskRecordType, TaskFields, TaskService>("Tasks", "Task", "Tasks",
            (OwnerTransfer.Action, "Give tasks to another owner"));
        services.AddRecordType<TaskComment, TaskCommentRecordType>();
        services.AddSingleton<TaskComments>();
        services.AddSingleton<IApiFeature>(sp => sp.GetRequiredService<TaskComments>());
        services.AddSingleton<TaskViews>();
        services.AddSingleton<IApiFeature, TaskViewRoutes>();
        services.AddSingleton<TaskReminders>();
        services.AddTimerJob<TaskReminderJob>(TaskReminderJob.Name);
        return services;
    }
}

/// <summary>What tasks have besides the shared record endpoints and comments: the caller's views, and transfer.</summary>
internal sealed class TaskViewRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/tasks").WithTags("Tasks");
        group.MapGet("/mine", ListMyTasks).RequirePermission("tasks.view").WithName("ListMyTasks")
            .WithSummary("Your tasks (owned or participating) in one ?view=: inbox (no due time), today (overdue included; the default), next7days, later (soonest first) or done (latest first), days in the tenant's time zone");
        group.MapPost("/transfer", TransferTasks).RequirePermission("tasks.transfer").WithName("TransferTasks").ProducesBatch()
            .WithSummary("Give up to 100 tasks to another owner; 200, or 207 with each item's outcome");
    }

    public static async Task<IResult> TransferTasks(TransferRecords input, OwnerTransfer transfer, TaskService tasks, HttpContext context) =>
        Batch.Answer(await transfer.TransferAsync(context.Caller(), tasks.Store, input, (WorkTask _) => { }, context.RequestAborted), context);

    public static async Task<RecordJson<Page<WorkTask>>> ListMyTasks(TaskViews views, HttpContext context, string? view = null, int limit = 100, string? cursor = null)
    {
        var caller = context.Caller();
        var page = await views.ReadAsync(caller, TaskRules.ParseView(view), limit, cursor, context.RequestAborted);
        return new RecordJson<Page<WorkTask>>(RecordShape.Page(caller, "tasks", page));
    }
}
