using System.ComponentModel.DataAnnotations;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Notifications;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Collaboration.Tasks;

/// <summary>A comment on a task; <see cref="Mentions"/> are the users it names as <c>@{userId}</c>.</summary>
public sealed record TaskComment : RecordBase
{
    public string TaskId { get; init; } = "";
    public string Body { get; init; } = "";
    public IReadOnlyList<string> Mentions { get; init; } = [];
}

public sealed record AddTaskComment
{
    /// <summary>Mention a colleague with <c>@{userId}</c>: they get a <c>task.mention</c> notification.</summary>
    [Required, NotBlank, StringLength(5_000, MinimumLength = 1)]
    public string Body { get; init; } = "";
}

internal sealed class TaskCommentRecordType : RecordType<TaskComment>
{
    public override string Name => "taskComment";
    public override string Table => "taskcomments";
    public override string DisplayName(TaskComment record) => record.Body.Length <= 80 ? record.Body : record.Body[..80];
    public override IReadOnlyList<string> IndexedFields => ["taskId"];
    public override IEnumerable<SearchTerm> SearchTerms(TaskComment record) => [];
    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>(["taskId", "createdAt", "createdBy"]);
}

/// <summary>
/// A task's discussion: whoever may see the task reads and adds comments; only the author deletes one. A mention
/// notifies the user named; the notice carries the comment, not the task's own fields, so it tells a mentioned
/// colleague outside the task's reach nothing the author did not write.
/// </summary>
internal sealed class TaskComments(RecordWriter<WorkTask, TaskFields, TaskService> tasks, RecordStore<TaskComment> comments, OwnedAccess access,
    INotifier notifier, TimeProvider clock) : IApiFeature
{
    public const string Mentioned = "task.mention";
    public const string NotAuthor = "task.comment_not_author";

    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/tasks").WithTags("Tasks");
        group.MapGet("/{id}/comments", ListTaskComments).RequirePermission("tasks.view").WithName("ListTaskComments")
            .WithSummary("A task's comments, newest first");
        group.MapPost("/{id}/comments", AddTaskComment).RequirePermission("tasks.view").WithName("AddTaskComment")
            .WithSummary("Comment on a task; @{userId} mentions notify the users named");
        group.MapDelete("/{id}/comments/{commentId}", DeleteTaskComment).RequirePermission("tasks.view").WithName("DeleteTaskComment")
            .WithSummary("Delete a comment of your own");
    }

    public static async Task<Ok<Page<TaskComment>>> ListTaskComments(string id, TaskComments feature, HttpContext context, int limit = 50, string? cursor = null) =>
        TypedResults.Ok(await feature.ListAsync(context.Caller(), id, limit, cursor, context.RequestAborted));

    public static async Task<Created<TaskComment>> AddTaskComment(string id, AddTaskComment input, TaskComments feature, HttpContext context)
    {
        var comment = await feature.AddAsync(context.Caller(), id, RequestValidation.Validate(input), context.RequestAborted);
        return TypedResults.Created($"{context.Request.PathBase}/api/v1/tasks/{id}/comments/{comment.Id}", comment);
    }

    public static async Task<NoContent> DeleteTaskComment(string id, string commentId, TaskComments feature, HttpContext context)
    {
        await feature.DeleteAsync(context.Caller(), id, commentId, context.RequestAborted);
        return TypedResults.NoContent();
    }

    public async Task<Page<TaskComment>> ListAsync(Caller caller, string taskId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        await tasks.ReadAsync(caller, taskId, cancellationToken);
        return await comments.ListAsync(caller.TenantId, new ListQuery { FieldEquals = [new("taskId", taskId)], Limit = limit, Cursor = cursor }, cancellationToken);
    }

    public async Task<TaskComment> AddAsync(Caller caller, string taskId, AddTaskComment input, CancellationToken cancellationToken)
    {
        var task = await tasks.ReadAsync(caller, taskId, cancellationToken);
        var body = input.Body.Trim();
        var mentions = TaskRules.Mentions(body);
        foreach (var (userId, i) in mentions.Select((m, i) => (m, i)))
        {
            await access.EnsureActiveUserAsync(caller.TenantId, userId, $"body.mentions[{i}]", cancellationToken);
        }
        var comment = await comments.CreateAsync(caller.Write(clock), new TaskComment { TaskId = task.Id, Body = body, Mentions = mentions }, cancellationToken: cancellationToken);
        foreach (var userId in mentions.Where(m => m != caller.UserId))
        {
            await notifier.NotifyAsync(caller.TenantId, new Notice(userId, Mentioned, "You were mentioned in a task comment", Excerpt(body), "task", task.Id),
                $"{Mentioned}:{comment.Id}:{userId}", cancellationToken);
        }
        return comment;
    }

    public async Task DeleteAsync(Caller caller, string taskId, string commentId, CancellationToken cancellationToken)
    {
        await tasks.ReadAsync(caller, taskId, cancellationToken);
        var comment = await comments.FindAsync(caller.TenantId, commentId, cancellationToken);
        if (comment is null || comment.TaskId != taskId)
        {
            throw new NotFoundException("taskComment", commentId);
        }
        if (comment.CreatedBy != caller.UserId && !caller.IsSuperAdmin)
        {
            throw new ForbiddenException(NotAuthor, "Only its author deletes a comment.");
        }
        await comments.DeleteAsync(caller.Write(clock), commentId, null, cancellationToken);
    }

    private static string Excerpt(string content) => content.Length <= 200 ? content : content[..200] + "…";
}
