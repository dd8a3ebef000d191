using System.Globalization;
using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

/// <summary>The lists of one person's tasks (<c>?view=</c>), each a period of the tenant's calendar.</summary>
public enum TaskView
{
    /// <summary>Open tasks without a due time: to be planned.</summary>
    Inbox,

    /// <summary>Open tasks due by the end of today, overdue ones included.</summary>
    Today,

    /// <summary>Open tasks due after today and up to the end of the seventh day from today.</summary>
    Next7Days,

    /// <summary>Open tasks due after that.</summary>
    Later,

    /// <summary>Done tasks, the latest done first.</summary>
    Done,
}

/// <summary>A range of the person-and-time index (<see cref="TaskRules.AssigneeValues"/>) that answers one view.</summary>
public sealed record TaskViewRange(string From, string Before);

public static partial class TaskRules
{
    public const int MaxParticipants = 50;
    public const int MaxLabels = 20;
    public const int MaxSubtasks = 100;

    /// <summary>A week: a reminder further ahead than that is a calendar entry, not a reminder.</summary>
    public const int MaxRemindMinutesBefore = 7 * 24 * 60;

    public const string ReminderWithoutDue = "task.reminder_without_due";
    public const string RelatedIncomplete = "task.related_incomplete";

    /// <summary>The checks a task's fields cannot make alone: a reminder needs a due time, a link needs both its halves.</summary>
    public static void Check(WorkTask task)
    {
        if (task.RemindMinutesBefore is not null && task.DueAt is null)
        {
            throw new ValidationException("remindMinutesBefore", "A reminder is set before a due time: set dueAt too.", ReminderWithoutDue);
        }
        if (task.RelatedType is null != task.RelatedId is null)
        {
            throw new ValidationException(task.RelatedType is null ? "relatedType" : "relatedId", "A related record needs both relatedType and relatedId.", RelatedIncomplete);
        }
        if (task.OwnerId is { } owner && task.Participants.Contains(owner, StringComparer.Ordinal))
        {
            throw new ValidationException("participants", "The owner is not a participant of their own task.", "task.owner_participant");
        }
    }

    /// <summary>A task marked done or open again, with who and when; anything else keeps its completion as it was.</summary>
    public static WorkTask Completed(WorkTask before, WorkTask after, string userId, DateTimeOffset now) =>
        (before.Status, after.Status) switch
        {
            (TaskState.Open, TaskState.Done) => after with { CompletedAt = now, CompletedBy = userId },
            (TaskState.Done, TaskState.Open) => after with { CompletedAt = null, CompletedBy = null },
            _ => after with { CompletedAt = before.CompletedAt, CompletedBy = before.CompletedBy },
        };

    /// <summary>
    /// The values of the person-and-time index, one per assignee: <c>{userId}:d:{dueTicks}</c> for an open task with
    /// a due time, <c>{userId}:n</c> for one without, <c>{userId}:x:{inverted completion ticks}</c> for a done one
    /// (latest first). Fixed-width ticks, so that text order is time order and each view is one key range.
    /// </summary>
    public static IEnumerable<string> AssigneeValues(WorkTask task)
    {
        var suffix = task switch
        {
            { Status: TaskState.Done } => "x:" + Inverted(task.CompletedAt ?? task.UpdatedAt),
            { DueAt: { } due } => "d:" + Ticks(due),
            _ => "n",
        };
        return task.Assignees.Select(user => $"{user}:{suffix}");
    }

    /// <summary>The names of the views as <c>?view=</c> spells them.</summary>
    public static readonly IReadOnlyDictionary<string, TaskView> Views = new Dictionary<string, TaskView>(StringComparer.Ordinal)
    {
        ["inbox"] = TaskView.Inbox, ["today"] = TaskView.Today, ["next7days"] = TaskView.Next7Days, ["later"] = TaskView.Later, ["done"] = TaskView.Done,
    };

    /// <summary>Today when not given; a 400 naming <c>view</c> for anything else than a view's name.</summary>
    public static TaskView ParseView(string? view) =>
        view is null ? TaskView.Today
        : Views.TryGetValue(view, out var found) ? found
        : throw new ValidationException("view", $"Must be one of: {string.Join(", ", Views.Keys)}.", "task.view_unknown");

    /// <summary>The index range of <paramref name="userId"/>'s tasks in <paramref name="view"/>, days counted in <paramref name="zone"/>.</summary>
    public static TaskViewRange ViewRange(string userId, TaskView view, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = LocalTime.DayOf(now, zone);
        var endOfToday = Ticks(LocalTime.StartOf(today.AddDays(1), zone));
        var endOfWeek = Ticks(LocalTime.StartOf(today.AddDays(8), zone));
        return view switch
        {
            TaskView.Inbox => new($"{userId}:n", $"{userId}:o"),
            TaskView.Today => new($"{userId}:d:", $"{userId}:d:{endOfToday}"),
            TaskView.Next7Days => new($"{userId}:d:{endOfToday}", $"{userId}:d:{endOfWeek}"),
            TaskView.Later => new($"{userId}:d:{endOfWeek}", $"{userId}:e"),
            _ => new($"{userId}:x:", $"{userId}:y"),
        };
    }

    /// <summary>Fixed-width ticks, so that text order is time order (due-time indexes).</summary>
    public static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    private static string Inverted(DateTimeOffset at) => (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>
    /// The users a comment mentions, written <c>@{userId}</c> (a 26-character id, as the user picker inserts it), each
    /// once, in the order they first appear. An e-mail address (<c>a@b.cn</c>) mentions nobody: the <c>@</c> must start a word.
    /// </summary>
    public static IReadOnlyList<string> Mentions(string text) =>
        [.. MentionPattern().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];

    [GeneratedRegex(@"(?<![\w@])@([0-9A-Za-z]{26})(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex MentionPattern();
}
