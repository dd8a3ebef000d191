using System.ComponentModel.DataAnnotations;
using Crm.Domain.Collaboration;
using Crm.Domain.Common;
using Crm.Platform.Records;

namespace Crm.Collaboration.Tasks;

/// <summary>
/// A task's create body and the view a merge patch applies to. Lists (participants, labels, subtasks) are replaced
/// whole by a patch that names them (RFC 7386). <c>status</c> done records who completed it and when.
/// </summary>
public sealed record TaskFields : OwnedFields
{
    [Required, NotBlank, StringLength(200, MinimumLength = 1)]
    public string Title { get; init; } = "";

    [StringLength(10_000)]
    public string? Description { get; init; }

    public TaskPriority Priority { get; init; } = TaskPriority.Normal;

    public TaskState Status { get; init; } = TaskState.Open;

    public DateTimeOffset? DueAt { get; init; }

    [Range(0, TaskRules.MaxRemindMinutesBefore)]
    public int? RemindMinutesBefore { get; init; }

    /// <summary>Users working on the task with its owner: they see it, edit it and get its reminder.</summary>
    [MaxLength(TaskRules.MaxParticipants), EachLength(1, 26)]
    public IReadOnlyList<string>? Participants { get; init; }

    [MaxLength(TaskRules.MaxLabels), EachLength(1, 50)]
    public IReadOnlyList<string>? Labels { get; init; }

    [MaxLength(TaskRules.MaxSubtasks)]
    public IReadOnlyList<Subtask>? Subtasks { get; init; }

    /// <summary>The type of the record the task is about, singular: customer, contact, opportunity, contract...</summary>
    [StringLength(50, MinimumLength = 1)]
    public string? RelatedType { get; init; }

    [StringLength(26, MinimumLength = 1)]
    public string? RelatedId { get; init; }
}
