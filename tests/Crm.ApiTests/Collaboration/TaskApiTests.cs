using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Collaboration.Tasks;

namespace Crm.ApiTests.Collaboration;

public sealed class TaskApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task ATaskKeepsItsFieldsAndRecordsWhoCompletedIt()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, _) = await app.NewColleagueAsync(tenant);
        var due = DateTimeOffset.UtcNow.AddDays(2);
        var task = await tenant.Admin.CreateTaskAsync(new
        {
            title = "  Prepare the renewal  ", description = "Numbers from last year", priority = "high", dueAt = due, remindMinutesBefore = 60,
            participants = new[] { colleagueId }, labels = new[] { "renewal", "q4", "renewal" },
            subtasks = new[] { new { title = "Pull the figures", done = true }, new { title = "Draft the offer", done = false } },
        });
        Assert.Equal("Prepare the renewal", task.Str("title"));
        Assert.Equal("high", task.Str("priority"));
        Assert.Equal("open", task.Str("status"));
        Assert.Equal(tenant.AdminUserId, task.Str("ownerId"));
        Assert.Equal(["renewal", "q4"], task.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(2, task.GetProperty("subtasks").GetArrayLength());
        var member = Assert.Single(task.GetProperty("team").EnumerateArray());
        Assert.Equal(colleagueId, member.Str("userId"));

        var done = await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { status = "done" }, task.Str("version"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tenant.AdminUserId, done.Str("completedBy"));
        Assert.True(done.GetProperty("completedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        // The first version is stale now.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { title = "Lost" }, task.Str("version")))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var reopened = await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { status = "open", participants = Array.Empty<string>() }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("completedAt").ValueKind);
        Assert.Empty(reopened.GetProperty("team").EnumerateArray());
        Assert.Equal("Prepare the renewal", reopened.Str("title"));
    }

    [Fact]
    public async Task TheViewsSplitMyTasksByTheTenantsDays()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant);
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Shanghai).DateTime);
        var tomorrow = new DateTimeOffset(today.AddDays(1).ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
        var overdue = await colleague.CreateTaskAsync(new { title = "Overdue", dueAt = now.AddDays(-3) });
        var endOfToday = await colleague.CreateTaskAsync(new { title = "Tonight", dueAt = new DateTimeOffset(today.ToDateTime(new TimeOnly(23, 59)), TimeSpan.FromHours(8)) });
        var soon = await colleague.CreateTaskAsync(new { title = "Tomorrow", dueAt = tomorrow });
        var week = await colleague.CreateTaskAsync(new { title = "In a week", dueAt = tomorrow.AddDays(6) });
        var later = await colleague.CreateTaskAsync(new { title = "Later", dueAt = tomorrow.AddDays(7) });
        var inbox = await colleague.CreateTaskAsync(new { title = "Someday" });
        var done = await colleague.CreateTaskAsync(new { title = "Done", dueAt = now.AddDays(-1), status = "done" });
        // The admin's task the colleague takes part in is theirs too; another of the admin's is not.
        var shared = await tenant.Admin.CreateTaskAsync(new { title = "Shared", dueAt = tomorrow.AddHours(1), participants = new[] { colleagueId } });
        await tenant.Admin.CreateTaskAsync(new { title = "Not theirs", dueAt = tomorrow });

        Assert.Equal([overdue.Id(), endOfToday.Id()], await colleague.ViewAsync("today"));
        Assert.Equal([soon.Id(), shared.Id(), week.Id()], await colleague.ViewAsync("next7days"));
        Assert.Equal([later.Id()], await colleague.ViewAsync("later"));
        Assert.Equal([inbox.Id()], await colleague.ViewAsync("inbox"));
        Assert.Equal([done.Id()], await colleague.ViewAsync("done"));
        Assert.Equal([overdue.Id(), endOfToday.Id()], (await colleague.GetJsonAsync("/api/v1/tasks/mine")).Ids());
        // Completing one moves it to done, latest first.
        await (await colleague.PatchJsonAsync($"/api/v1/tasks/{overdue.Id()}", new { status = "done" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([overdue.Id(), done.Id()], await colleague.ViewAsync("done"));
        // A participant reads and edits the task though their role reaches only their own records.
        await (await colleague.PatchJsonAsync($"/api/v1/tasks/{shared.Id()}", new { description = "On it" })).ExpectAsync(HttpStatusCode.OK);
        // Taken off it, it leaves their views and their sight.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{shared.Id()}", new { participants = Array.Empty<string>() })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([soon.Id(), week.Id()], await colleague.ViewAsync("next7days"));
        await colleague.GetJsonAsync($"/api/v1/tasks/{shared.Id()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AViewPagesWithoutRepeatsOrGaps()
    {
        var tenant = await app.NewTenantAsync();
        var due = DateTimeOffset.UtcNow.AddDays(-1);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            // The same due time for all: the cursor tells them apart by id.
            ids.Add((await tenant.Admin.CreateTaskAsync(new { title = $"Call {i}", dueAt = due })).Id());
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await tenant.Admin.GetJsonAsync($"/api/v1/tasks/mine?view=today&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.True(page.Items().Count <= 2);
            seen.AddRange(page.Ids());
            cursor = page.NextCursor();
        }
        while (cursor is not null);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        await (await tenant.Admin.GetAsync("/api/v1/tasks/mine?view=someday")).ExpectProblemAsync(HttpStatusCode.BadRequest, "task.view_unknown");
        await (await tenant.Admin.GetAsync("/api/v1/tasks/mine?view=inbox&cursor=bogus")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task BadInputIsRefusedAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Remind", remindMinutesBefore = 10 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "task.reminder_without_due");
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Half", relatedType = "customer" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "task.related_incomplete");
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Key", relatedType = "apiKey", relatedId = "01hzzzzzzzzzzzzzzzzzzzzzzz" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, TaskService.RelatedTypeUnknown);
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Nobody", participants = new[] { "01hzzzzzzzzzzzzzzzzzzzzzzz" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Self", participants = new[] { tenant.AdminUserId } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "task.owner_participant");
        var problem = await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = " ", priority = "extreme" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("priority", problem.ErrorFields());
        await (await admin.PostAsJsonAsync("/api/v1/tasks", new { title = "Long lead", dueAt = DateTimeOffset.UtcNow, remindMinutesBefore = 100_000 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var task = await admin.CreateTaskAsync(new { title = "Fine" });
        await (await admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { completedBy = tenant.AdminUserId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { remindMinutesBefore = 5 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "task.reminder_without_due");
        var list = await admin.GetJsonAsync("/api/v1/tasks");
        Assert.Equal([task.Id()], list.Ids());
        Assert.Equal(task.Str("version"), (await admin.GetJsonAsync($"/api/v1/tasks/{task.Id()}")).Str("version"));
    }

    [Fact]
    public async Task ATaskIsAboutARecordTheWriterCanSee()
    {
        var tenant = await app.NewTenantAsync();
        var (_, colleague) = await app.NewColleagueAsync(tenant, "customers.view", "customers.create");
        var (_, noCustomers) = await app.NewColleagueAsync(tenant);
        var theirs = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Admin's"));
        var own = await colleague.CreateCustomerAsync(SalesSetup.Unique("Own"));

        var task = await colleague.CreateTaskAsync(new { title = "Visit", relatedType = "customer", relatedId = own.Id() });
        Assert.Equal(own.Id(), task.Str("relatedId"));
        await (await colleague.PostAsJsonAsync("/api/v1/tasks", new { title = "Peek", relatedType = "customer", relatedId = theirs.Id() }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await colleague.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { relatedId = theirs.Id() }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        // Without the customers' view permission no customer is linked.
        await (await noCustomers.PostAsJsonAsync("/api/v1/tasks", new { title = "Blind", relatedType = "customer", relatedId = own.Id() }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        // A record's tasks are one filter.
        Assert.Equal([task.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/tasks?relatedId={own.Id()}")).Ids());
    }

    [Fact]
    public async Task CommentsMentionColleaguesAndOnlyTheirAuthorDeletesThem()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant);
        var (_, outsider) = await app.NewColleagueAsync(tenant);
        var task = await tenant.Admin.CreateTaskAsync(new { title = "Plan the launch", participants = new[] { colleagueId } });

        var comment = await tenant.Admin.PostJsonAsync($"/api/v1/tasks/{task.Id()}/comments",
            new { body = $"@{colleagueId} can you take this? (mail me at boss@{colleagueId}.cn)" }, HttpStatusCode.Created);
        Assert.Equal([colleagueId], comment.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()));
        var notice = Assert.Single(await colleague.NoticesAsync(TaskComments.Mentioned));
        Assert.Equal(task.Id(), notice.Str("recordId"));
        Assert.Equal("task", notice.Str("recordType"));

        var reply = await colleague.PostJsonAsync($"/api/v1/tasks/{task.Id()}/comments", new { body = "Sure" }, HttpStatusCode.Created);
        Assert.Equal([reply.Id(), comment.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/tasks/{task.Id()}/comments")).Ids());
        await (await colleague.DeleteAsync($"/api/v1/tasks/{task.Id()}/comments/{comment.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, TaskComments.NotAuthor);
        await (await colleague.DeleteAsync($"/api/v1/tasks/{task.Id()}/comments/{reply.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([comment.Id()], (await colleague.GetJsonAsync($"/api/v1/tasks/{task.Id()}/comments")).Ids());

        // Someone who cannot see the task neither reads nor writes its comments; an unknown mention changes nothing.
        await outsider.GetJsonAsync($"/api/v1/tasks/{task.Id()}/comments", HttpStatusCode.NotFound);
        await (await outsider.PostAsJsonAsync($"/api/v1/tasks/{task.Id()}/comments", new { body = "Hi" })).ExpectProblemAsync(HttpStatusCode.NotFound, "task.not_found");
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/tasks/{task.Id()}/comments", new { body = "@01hzzzzzzzzzzzzzzzzzzzzzzz hi" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");
        Assert.Single(await tenant.Admin.ListAllAsync($"/api/v1/tasks/{task.Id()}/comments"));
    }

    [Fact]
    public async Task AReminderReachesTheOwnerAndParticipantsOnce()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant);
        var due = DateTimeOffset.UtcNow.AddHours(3);
        var task = await tenant.Admin.CreateTaskAsync(new { title = "Send the contract", dueAt = due, remindMinutesBefore = 30, participants = new[] { colleagueId } });
        var undated = await tenant.Admin.CreateTaskAsync(new { title = "Moved away", dueAt = due, remindMinutesBefore = 30 });
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{undated.Id()}", new { dueAt = due.AddDays(1) })).ExpectAsync(HttpStatusCode.OK);

        await app.RunJobAsync<TaskReminderJob>(TaskReminderJob.Name, due.AddMinutes(-31));
        Assert.Empty(await colleague.NoticesAsync(TaskReminders.Kind));
        await app.RunJobAsync<TaskReminderJob>(TaskReminderJob.Name, due.AddMinutes(-29));
        await app.RunJobAsync<TaskReminderJob>(TaskReminderJob.Name, due.AddMinutes(-28));

        var notice = Assert.Single(await colleague.NoticesAsync(TaskReminders.Kind));
        Assert.Equal(task.Id(), notice.Str("recordId"));
        Assert.Contains("Send the contract", notice.Str("title"));
        Assert.Single(await tenant.Admin.NoticesAsync(TaskReminders.Kind));
        Assert.Equal(due.AddMinutes(-30), (await tenant.Admin.GetJsonAsync($"/api/v1/tasks/{task.Id()}")).GetProperty("remindedFor").GetDateTimeOffset());

        // A new due time is a new reminder; a done task has none.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { dueAt = due.AddHours(1) })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{undated.Id()}", new { status = "done" })).ExpectAsync(HttpStatusCode.OK);
        await app.RunJobAsync<TaskReminderJob>(TaskReminderJob.Name, due.AddDays(2));
        Assert.Equal(2, (await colleague.NoticesAsync(TaskReminders.Kind)).Count);
        Assert.Equal(2, (await tenant.Admin.NoticesAsync(TaskReminders.Kind)).Count);
    }

    [Fact]
    public async Task TasksChangeOwnerByATransfer()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant);
        var task = await tenant.Admin.CreateTaskAsync(new { title = "Hand over", dueAt = DateTimeOffset.UtcNow.AddDays(-1) });
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/tasks/{task.Id()}", new { ownerId = colleagueId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "record.transfer_required");
        await tenant.Admin.PostJsonAsync("/api/v1/tasks/transfer", new { ids = new[] { task.Id() }, ownerId = colleagueId }, HttpStatusCode.OK);
        Assert.Equal([task.Id()], await colleague.ViewAsync("today"));
        Assert.Empty(await tenant.Admin.ViewAsync("today"));
    }
}
