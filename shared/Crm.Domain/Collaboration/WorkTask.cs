using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

public enum TaskPriority
{
    Low,
    Normal,
    High,
    Urgent,
}

public enum TaskState
{
    Open,
    Done,
}

/// <summary>One step of a task, ticked off on its own.</summary>
public sealed record Subtask
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Title { get; init; } = "";
    public bool Done { get; init; }
}

/// <summary>
/// A task (任务): something its owner, with its participants, has to get done, by a due time or not, about a
/// record or not. Participants sit on the task's team with edit access, so they see and work on it whatever
/// their data scope. Its reminder goes to the owner and the participants once, <see cref="RemindMinutesBefore"/>
/// before it is due.
/// </summary>
public sealed record WorkTask : OwnedRecord
{
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public TaskPriority Priority { get; init; } = TaskPriority.Normal;
    public TaskState Status { get; init; } = TaskState.Open;
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>How long before <see cref="DueAt"/> the reminder arrives; no reminder when absent.</summary>
    public int? RemindMinutesBefore { get; init; }

    public IReadOnlyList<string> Participants { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<Subtask> Subtasks { get; init; } = [];

    /// <summary>The record the task is about, as in <c>relatedType</c>: customer, opportunity, contract...</summary>
    public string? RelatedType { get; init; }
    public string? RelatedId { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
    public string? CompletedBy { get; init; }

    /// <summary>The reminder time whose notices were delivered; a new due time or lead makes a new reminder.</summary>
    public DateTimeOffset? RemindedFor { get; init; }

    /// <summary>The owner, then the participants: who the task is for.</summary>
    [JsonIgnore]
    public IEnumerable<string> Assignees => (OwnerId is null ? Participants : Participants.Prepend(OwnerId)).Distinct(StringComparer.Ordinal);

    [JsonIgnore]
    public DateTimeOffset? RemindAt => Status == TaskState.Open && DueAt is { } due && RemindMinutesBefore is { } minutes ? due.AddMinutes(-minutes) : null;

    [JsonIgnore]
    public bool ReminderPending => RemindAt is { } at && RemindedFor != at;
}
