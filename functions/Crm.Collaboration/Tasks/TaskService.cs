using Crm.Collaboration.Links;
using Crm.Domain.Access;
using Crm.Domain.Collaboration;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Collaboration.Tasks;

/// <summary>
/// A task's write rules: its participants are active users and sit on its team with edit access (so they see and
/// work on it whatever their data scope); the record it is about is one the writer can see; a reminder needs a due
/// time; marking it done records who and when, reopening clears that.
/// </summary>
internal sealed class TaskService(RecordStore<WorkTask> store, RelatedRecords related, Participants participants, OwnedAccess access, TimeProvider clock)
    : RecordService<WorkTask, TaskFields>(store, access, clock)
{
    public const string RelatedTypeUnknown = "task.related_type_unknown";

    protected override async ValueTask<WorkTask> CreatingAsync(Caller caller, TaskFields input, WorkTask task, DateTimeOffset now, CancellationToken cancellationToken)
    {
        task = task with { OwnerId = task.OwnerId ?? caller.UserId };
        await CheckAsync(caller, null, task, cancellationToken);
        return WithTeam(TaskRules.Completed(new WorkTask(), task, caller.UserId, now), []);
    }

    protected override async ValueTask<WorkTask> UpdatingAsync(Caller caller, WorkTask current, TaskFields changes, WorkTask updated, CancellationToken cancellationToken)
    {
        await CheckAsync(caller, current, updated, cancellationToken);
        return WithTeam(TaskRules.Completed(current, updated, caller.UserId, Clock.GetUtcNow()), current.Participants);
    }

    private async Task CheckAsync(Caller caller, WorkTask? current, WorkTask task, CancellationToken cancellationToken)
    {
        TaskRules.Check(task);
        await participants.EnsureActiveAsync(caller, task.Participants, current?.Participants ?? [], cancellationToken);
        if (task.RelatedType is { } type && task.RelatedId is { } id && (current?.RelatedType != type || current.RelatedId != id))
        {
            await related.VisibleAsync(caller, type, id, "relatedType", RelatedTypeUnknown, cancellationToken);
        }
    }

    private static WorkTask WithTeam(WorkTask task, IReadOnlyList<string> former) =>
        task with { Team = Participants.Team(task.Team, former, task.Participants, TeamAccess.ReadWrite) };
}
