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
internal sealed class TaskService(RecordStore<WorkTask> store, RelatedRecords related, OwnedAccess access, TimeProvider clock)
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
        foreach (var (userId, i) in task.Participants.Select((p, i) => (p, i)).Where(p => current?.Participants.Contains(p.p, StringComparer.Ordinal) != true))
        {
            await Access.EnsureActiveUserAsync(caller.TenantId, userId, $"participants[{i}]", cancellationToken);
        }
        if (task.RelatedType is { } type && task.RelatedId is { } id && (current?.RelatedType != type || current.RelatedId != id))
        {
            await related.VisibleAsync(caller, type, id, "relatedType", RelatedTypeUnknown, cancellationToken);
        }
    }

    /// <summary>The participants on the team with edit access; members the team has besides former participants stay.</summary>
    private static WorkTask WithTeam(WorkTask task, IReadOnlyList<string> formerParticipants)
    {
        var others = task.Team.Where(m => !formerParticipants.Contains(m.UserId, StringComparer.Ordinal) && !task.Participants.Contains(m.UserId, StringComparer.Ordinal));
        return task with { Team = [.. others, .. task.Participants.Select(p => new TeamMember(p, TeamAccess.ReadWrite))] };
    }
}
