using Crm.Domain.Collaboration;
using Crm.Storage.Records;

namespace Crm.Collaboration.Tasks;

internal sealed class TaskRecordType : RecordType<WorkTask>
{
    /// <summary>The person-and-time index the views read (<see cref="TaskRules.AssigneeValues"/>).</summary>
    public const string AssigneeIndex = "assignee";

    /// <summary>The due-time index of pending reminders, read by the reminder job.</summary>
    public const string ReminderIndex = "remindAt";

    public override string Name => "task";
    public override string Table => "tasks";
    public override string DisplayName(WorkTask record) => record.Title;

    /// <summary>A record's tasks are one index range (<c>?relatedId=</c>).</summary>
    public override IReadOnlyList<string> IndexedFields => ["relatedId"];

    /// <summary>
    /// Kept by the engine in the task's own transaction: completing it, moving its due time or its people moves its
    /// view rows and its reminder, a delete drops them, a restore brings them back.
    /// </summary>
    public override IEnumerable<KeyValuePair<string, string>> MultiValuedIndex(WorkTask record)
    {
        foreach (var value in TaskRules.AssigneeValues(record))
        {
            yield return new(AssigneeIndex, value);
        }
        if (record.ReminderPending)
        {
            yield return new(ReminderIndex, TaskRules.Ticks(record.RemindAt!.Value));
        }
    }

    public override IReadOnlySet<string> FilterableFields { get; } = new HashSet<string>([
        "title", "status", "priority", "dueAt", "ownerId", "relatedType", "relatedId", "completedAt", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
