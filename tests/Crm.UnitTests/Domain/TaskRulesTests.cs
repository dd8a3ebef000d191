using Crm.Domain.Collaboration;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class TaskRulesTests
{
    private const string User = "01hw0000000000000000000000";
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public void MentionsAreIdsAfterAnAtThatStartsAWord()
    {
        var other = "01HW0000000000000000000001";
        var text = $"@{User} and @{other}, again @{User}; not mail@{User} nor @{User}x";
        Assert.Equal([User, other.ToLowerInvariant()], TaskRules.Mentions(text));
        Assert.Empty(TaskRules.Mentions("@short @"));
    }

    [Fact]
    public void EachViewIsOneRangeOfTheAssigneeIndexInTheTenantsDays()
    {
        // 23:30 in Shanghai on 1 March: "today" ends half an hour later, the week a week after that.
        var now = new DateTimeOffset(2026, 3, 1, 15, 30, 0, TimeSpan.Zero);
        string ValueOf(DateTimeOffset? due, TaskState state = TaskState.Open) =>
            TaskRules.AssigneeValues(new WorkTask { OwnerId = User, DueAt = due, Status = state, CompletedAt = now }).Single();
        TaskView? ViewOf(string value) => TaskRules.Views.Values.Cast<TaskView?>().FirstOrDefault(v =>
        {
            var range = TaskRules.ViewRange(User, v!.Value, now, Shanghai);
            return string.CompareOrdinal(value, range.From) >= 0 && string.CompareOrdinal(value, range.Before) < 0;
        });

        Assert.Equal(TaskView.Today, ViewOf(ValueOf(now.AddDays(-30))));
        Assert.Equal(TaskView.Today, ViewOf(ValueOf(now.AddMinutes(29))));
        Assert.Equal(TaskView.Next7Days, ViewOf(ValueOf(now.AddMinutes(30))));
        Assert.Equal(TaskView.Next7Days, ViewOf(ValueOf(now.AddDays(7).AddMinutes(29))));
        Assert.Equal(TaskView.Later, ViewOf(ValueOf(now.AddDays(7).AddMinutes(30))));
        Assert.Equal(TaskView.Inbox, ViewOf(ValueOf(null)));
        Assert.Equal(TaskView.Done, ViewOf(ValueOf(now.AddDays(-1), TaskState.Done)));
    }

    [Fact]
    public void TheOwnerAndEachParticipantGetAValue()
    {
        var task = new WorkTask { OwnerId = User, Participants = ["b", "c"] };
        Assert.Equal([$"{User}:n", "b:n", "c:n"], TaskRules.AssigneeValues(task));
    }

    [Fact]
    public void CompletingRecordsWhoAndWhenAndReopeningClearsIt()
    {
        var now = DateTimeOffset.UtcNow;
        var open = new WorkTask { Title = "x" };
        var done = TaskRules.Completed(open, open with { Status = TaskState.Done }, User, now);
        Assert.Equal((now, User), (done.CompletedAt!.Value, done.CompletedBy!));
        var edited = TaskRules.Completed(done, done with { Title = "y", CompletedAt = null }, "someone", now.AddHours(1));
        Assert.Equal(now, edited.CompletedAt);
        var reopened = TaskRules.Completed(done, done with { Status = TaskState.Open }, User, now);
        Assert.Null(reopened.CompletedAt);
    }

    [Fact]
    public void AReminderNeedsADueTimeAndALinkBothHalves()
    {
        Assert.Equal(TaskRules.ReminderWithoutDue, Assert.Throws<ValidationException>(() => TaskRules.Check(new WorkTask { RemindMinutesBefore = 5 })).Code);
        Assert.Equal(TaskRules.RelatedIncomplete, Assert.Throws<ValidationException>(() => TaskRules.Check(new WorkTask { RelatedId = "x" })).Code);
        Assert.Equal(TaskView.Next7Days, TaskRules.ParseView("next7days"));
        Assert.Equal("task.view_unknown", Assert.Throws<ValidationException>(() => TaskRules.ParseView("Today")).Code);
    }
}
