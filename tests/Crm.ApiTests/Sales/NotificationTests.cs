using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Sales.FollowUps;
using Crm.Platform.Notifications;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Sales;

public sealed class NotificationTests(CrmApp app) : IClassFixture<CrmApp>
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The reminder job as the scheduler runs it, at a time the test chooses.</summary>
    private Task RunReminderJobAsync(DateTimeOffset at) =>
        ActivatorUtilities.CreateInstance<FollowUpReminderJob>(app.Services, new FixedClock(at))
            .RunAsync(new TimerJobContext(FollowUpReminderJob.Name, at, null, false), CancellationToken.None);

    private static async Task<IReadOnlyList<JsonElement>> RemindersAsync(HttpClient client) =>
        (await client.ListAllAsync("/api/v1/notifications")).Where(n => n.Str("kind") == "followup.reminder").ToList();

    [Fact]
    public async Task AReminderArrivesOnceAtItsTimeForTheAuthor()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, rights: SalesSetup.FollowUpRepRights);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var due = DateTimeOffset.UtcNow.AddHours(1);
        var followUp = await rep.CreateFollowUpAsync(customer.Id(), "Send the quote", nextContactAt: due);

        await RunReminderJobAsync(due.AddSeconds(-1));
        Assert.Empty(await RemindersAsync(rep));

        await RunReminderJobAsync(due.AddSeconds(30));
        await RunReminderJobAsync(due.AddSeconds(90));
        var reminder = Assert.Single(await RemindersAsync(rep));
        Assert.Equal(customer.Id(), reminder.Str("recordId"));
        Assert.Equal("customer", reminder.Str("recordType"));
        Assert.Contains(customer.Str("name"), reminder.Str("title"));
        Assert.Equal("Send the quote", reminder.Str("body"));
        Assert.Empty(await RemindersAsync(tenant.Admin));
        Assert.Equal(due, (await rep.GetJsonAsync($"/api/v1/followups/{followUp.Id()}")).GetProperty("remindedFor").GetDateTimeOffset());
    }

    [Fact]
    public async Task AJobThatCrashedAfterDeliveringDeliversNothingTwice()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var due = DateTimeOffset.UtcNow.AddMinutes(30);
        var followUp = await tenant.Admin.CreateFollowUpAsync(customer.Id(), nextContactAt: due);
        // The notice went out, then the job died before marking the follow-up: its reminder is still due.
        await app.Service<INotifier>().NotifyAsync(tenant.Id, new Notice(tenant.AdminUserId, FollowUpReminders.Kind, "Time to follow up"),
            $"{FollowUpReminders.Kind}:{followUp.Id()}:{FollowUpRecordType.DueValue(due)}", CancellationToken.None);

        await RunReminderJobAsync(due.AddMinutes(1));
        Assert.Single(await RemindersAsync(tenant.Admin));
        Assert.Equal(due, (await tenant.Admin.GetJsonAsync($"/api/v1/followups/{followUp.Id()}")).GetProperty("remindedFor").GetDateTimeOffset());
    }

    [Fact]
    public async Task ChangingNextContactAtMovesTheReminderAndClearingOrDeletingCancelsIt()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var due = DateTimeOffset.UtcNow.AddHours(2);
        var moved = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Moved", nextContactAt: due);
        var cleared = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Cleared", nextContactAt: due);
        var deleted = await tenant.Admin.CreateFollowUpAsync(customer.Id(), "Deleted", nextContactAt: due);
        var later = due.AddDays(1);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{moved.Id()}", new { nextContactAt = later })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{cleared.Id()}", new { nextContactAt = (DateTimeOffset?)null })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/followups/{deleted.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);

        await RunReminderJobAsync(due.AddMinutes(5));
        Assert.Empty(await RemindersAsync(tenant.Admin));
        await RunReminderJobAsync(later.AddMinutes(1));
        Assert.Equal(["Moved"], (await RemindersAsync(tenant.Admin)).Select(n => n.Str("body")));

        // A new time after a delivered reminder makes a new one.
        var again = later.AddDays(1);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/followups/{moved.Id()}", new { nextContactAt = again })).ExpectAsync(HttpStatusCode.OK);
        await RunReminderJobAsync(again.AddMinutes(1));
        Assert.Equal(2, (await RemindersAsync(tenant.Admin)).Count);
    }

    [Fact]
    public async Task NotificationsAreReadOneByOneOrAllAndOnlyByTheirUser()
    {
        var tenant = await app.NewTenantAsync();
        var (userId, user) = await tenant.NewStaffAsync();
        var notifier = app.Service<INotifier>();
        for (var i = 0; i < 5; i++)
        {
            await notifier.NotifyAsync(tenant.Id, new Notice(userId, "test.notice", $"Notice {i}"), $"test:{userId}:{i}", CancellationToken.None);
        }
        // The same dedupe key again delivers nothing.
        await notifier.NotifyAsync(tenant.Id, new Notice(userId, "test.notice", "Notice 0 again"), $"test:{userId}:0", CancellationToken.None);

        var first = await user.GetJsonAsync("/api/v1/notifications?limit=2");
        Assert.Equal(["Notice 4", "Notice 3"], first.Items().Select(n => n.Str("title")));
        var all = await user.ListAllAsync("/api/v1/notifications?limit=2");
        Assert.Equal(["Notice 4", "Notice 3", "Notice 2", "Notice 1", "Notice 0"], all.Select(n => n.Str("title")));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/notifications"));

        var target = all[1];
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/notifications/{target.Id()}/read", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "notification.not_found");
        var read = await user.PostJsonAsync($"/api/v1/notifications/{target.Id()}/read", new { }, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, read.GetProperty("readAt").ValueKind);
        await user.PostJsonAsync($"/api/v1/notifications/{target.Id()}/read", new { }, HttpStatusCode.OK);
        Assert.Equal(4, (await user.ListAllAsync("/api/v1/notifications?unread=true")).Count);
        Assert.Equal(JsonValueKind.String, (await user.ListAllAsync("/api/v1/notifications")).Single(n => n.Id() == target.Id()).GetProperty("readAt").ValueKind);

        Assert.Equal(4, (await user.PostJsonAsync("/api/v1/notifications/read-all", new { }, HttpStatusCode.OK)).GetProperty("read").GetInt32());
        Assert.Empty(await user.ListAllAsync("/api/v1/notifications?unread=true"));
        Assert.Equal(5, (await user.ListAllAsync("/api/v1/notifications")).Count);
        await (await user.PostAsJsonAsync("/api/v1/notifications/not-an-id/read", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "notification.not_found");
        await (await user.GetAsync("/api/v1/notifications?cursor=garbage")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
    }
}
