using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Collaboration.Calendar;

namespace Crm.ApiTests.Collaboration;

public sealed class CalendarApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] CalendarRights = ["calendarevents.view", "calendarevents.create", "calendarevents.edit", "calendarevents.delete"];

    private static string Range(DateTimeOffset from, DateTimeOffset to) =>
        $"/api/v1/calendar?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";

    private static async Task<IReadOnlyList<JsonElement>> CalendarAsync(HttpClient client, DateTimeOffset from, DateTimeOffset to) =>
        (await client.GetJsonAsync(Range(from, to))).Items();

    [Fact]
    public async Task ARepeatingEventIsExpandedInTheRangeRead()
    {
        var tenant = await app.NewTenantAsync();
        // Monday 4 January 2027, 09:00 to 10:00 in Shanghai, every Monday and Wednesday, ten times.
        var start = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.FromHours(8));
        var e = await tenant.Admin.PostJsonAsync("/api/v1/calendar-events", new
        {
            title = "Stand-up", startAt = start, endAt = start.AddHours(1), repeat = "rrule:freq=weekly;byday=we,mo;count=10", location = "Room 3",
        }, HttpStatusCode.Created);
        Assert.Equal("FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE", e.Str("repeat"));
        Assert.Equal("Asia/Shanghai", e.Str("timeZone"));

        var items = await CalendarAsync(tenant.Admin, start.AddDays(7), start.AddDays(14));
        Assert.Equal([start.AddDays(7), start.AddDays(9)], items.Select(i => i.GetProperty("start").GetDateTimeOffset()));
        Assert.All(items, i => Assert.Equal(("event", e.Id(), "Stand-up"), (i.Str("kind"), i.Str("id"), i.Str("title"))));
        Assert.Equal(start.AddDays(7).AddHours(1), items[0].GetProperty("end").GetDateTimeOffset());
        // Ten occurrences in all, the last on Wednesday 3 February.
        var all = await CalendarAsync(tenant.Admin, start.AddDays(-1), start.AddDays(60));
        Assert.Equal(10, all.Count);
        Assert.Equal(start.AddDays(30), all[^1].GetProperty("start").GetDateTimeOffset());
        Assert.Empty(await CalendarAsync(tenant.Admin, start.AddDays(31), start.AddDays(90)));
    }

    [Fact]
    public async Task AllDayEventsCoverTheTenantsDays()
    {
        var tenant = await app.NewTenantAsync();
        var e = await tenant.Admin.PostJsonAsync("/api/v1/calendar-events",
            new { title = "Trade fair", allDay = true, startDate = "2027-05-10", endDate = "2027-05-12", repeat = "FREQ=MONTHLY;INTERVAL=12;UNTIL=20290101" }, HttpStatusCode.Created);
        var items = await CalendarAsync(tenant.Admin, new DateTimeOffset(2027, 5, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var item = Assert.Single(items);
        Assert.True(item.GetProperty("allDay").GetBoolean());
        Assert.Equal("2027-05-10", item.Str("startDate"));
        Assert.Equal("2027-05-12", item.Str("endDate"));
        // Midnight in Shanghai is 16:00 UTC the day before.
        Assert.Equal(new DateTimeOffset(2027, 5, 9, 16, 0, 0, TimeSpan.Zero), item.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2027, 5, 12, 16, 0, 0, TimeSpan.Zero), item.GetProperty("end").GetDateTimeOffset());
        Assert.Single(await CalendarAsync(tenant.Admin, new DateTimeOffset(2028, 5, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2028, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Empty(await CalendarAsync(tenant.Admin, new DateTimeOffset(2029, 5, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2029, 6, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(e.Id(), item.Str("id"));
    }

    [Fact]
    public async Task TheCalendarMergesEventsTasksAndFollowUps()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant, [.. CalendarRights, "customers.view", "customers.create", "followups.view", "followups.create"]);
        var at = DateTimeOffset.UtcNow.AddDays(2);
        var customer = await colleague.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var followUp = await colleague.CreateFollowUpAsync(customer.Id(), "Call back about the offer", nextContactAt: at.AddHours(2));
        var task = await colleague.CreateTaskAsync(new { title = "Send the offer", dueAt = at.AddHours(1) });
        var meeting = await tenant.Admin.PostJsonAsync("/api/v1/calendar-events",
            new { title = "Kick-off", startAt = at, endAt = at.AddMinutes(30), participants = new[] { colleagueId } }, HttpStatusCode.Created);
        // Not theirs: another's task and event, their own follow-up outside the range.
        await tenant.Admin.CreateTaskAsync(new { title = "Admin's", dueAt = at });
        await tenant.Admin.PostJsonAsync("/api/v1/calendar-events", new { title = "Admin's", startAt = at, endAt = at.AddHours(1) }, HttpStatusCode.Created);
        await colleague.CreateFollowUpAsync(customer.Id(), "Much later", nextContactAt: at.AddDays(40));

        var items = await CalendarAsync(colleague, at.AddDays(-1), at.AddDays(1));
        Assert.Equal([("event", meeting.Id()), ("task", task.Id()), ("followup", followUp.Id())], items.Select(i => (i.Str("kind"), i.Str("id"))));
        Assert.Equal("needsAction", items[0].Str("response"));
        Assert.Equal(customer.Id(), items[2].Str("relatedId"));
        Assert.Equal("Call back about the offer", items[2].Str("title"));
    }

    [Fact]
    public async Task ParticipantsAnswerForThemselves()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant, CalendarRights);
        var (_, outsider) = await app.NewColleagueAsync(tenant, CalendarRights);
        var at = DateTimeOffset.UtcNow.AddDays(3);
        var e = await tenant.Admin.PostJsonAsync("/api/v1/calendar-events", new { title = "Review", startAt = at, endAt = at.AddHours(1), participants = new[] { colleagueId } },
            HttpStatusCode.Created);

        var answered = await colleague.PostJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "tentative" }, HttpStatusCode.OK);
        answered = await colleague.PostJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "accepted" }, HttpStatusCode.OK);
        var answer = Assert.Single(answered.GetProperty("answers").EnumerateArray());
        Assert.Equal((colleagueId, "accepted"), (answer.Str("userId"), answer.Str("response")));
        Assert.Equal("accepted", Assert.Single(await CalendarAsync(colleague, at.AddDays(-1), at.AddDays(1))).Str("response"));
        // A participant reads the event but does not edit it; the owner answers nothing; an outsider does not see it.
        await (await colleague.PatchJsonAsync($"/api/v1/calendar-events/{e.Id()}", new { title = "Mine now" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "declined" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "calendar.not_participant");
        await (await outsider.PostAsJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "declined" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "calendarEvent.not_found");
        await (await colleague.PostAsJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "needsAction" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await colleague.PostAsJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "maybe" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        // Uninvited, their answer goes with them.
        var uninvited = await (await tenant.Admin.PatchJsonAsync($"/api/v1/calendar-events/{e.Id()}", new { participants = Array.Empty<string>() })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(uninvited.GetProperty("answers").EnumerateArray());
        await colleague.GetJsonAsync($"/api/v1/calendar-events/{e.Id()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadEventsAndRangesAreRefusedByName()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var at = DateTimeOffset.UtcNow.AddDays(1);
        async Task RefusedAsync(object body, string code, string field)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/calendar-events", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
            Assert.Contains(field, problem.ErrorFields());
        }
        await RefusedAsync(new { title = "No end", startAt = at }, "calendar.time_required", "endAt");
        await RefusedAsync(new { title = "Backwards", startAt = at, endAt = at.AddHours(-1) }, "calendar.end_before_start", "endAt");
        await RefusedAsync(new { title = "Mixed", allDay = true, startDate = "2027-01-01", startAt = at }, "calendar.times_mixed", "startAt");
        await RefusedAsync(new { title = "Yearly", startAt = at, endAt = at.AddHours(1), repeat = "FREQ=YEARLY" }, "calendar.repeat_unsupported", "repeat");
        await RefusedAsync(new { title = "Set pos", startAt = at, endAt = at.AddHours(1), repeat = "FREQ=MONTHLY;BYSETPOS=-1" }, "calendar.repeat_unsupported", "repeat");
        await RefusedAsync(new { title = "Garbage", startAt = at, endAt = at.AddHours(1), repeat = "every day" }, "calendar.repeat_invalid", "repeat");
        await RefusedAsync(new { title = "Zone", startAt = at, endAt = at.AddHours(1), timeZone = "Mars/Olympus" }, "calendar.time_zone_unknown", "timeZone");
        await RefusedAsync(new { title = "Long", startAt = at, endAt = at.AddDays(40) }, "calendar.too_long", "endAt");
        await RefusedAsync(new { title = "Link", startAt = at, endAt = at.AddHours(1), relatedType = "role", relatedId = "01hzzzzzzzzzzzzzzzzzzzzzzz" },
            EventService.RelatedTypeUnknown, "relatedType");
        var e = await admin.PostJsonAsync("/api/v1/calendar-events", new { title = "Fine", startAt = at, endAt = at.AddHours(1) }, HttpStatusCode.Created);
        await (await admin.PatchJsonAsync($"/api/v1/calendar-events/{e.Id()}", new { repeat = "FREQ=WEEKLY;BYDAY=1MO" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "calendar.repeat_unsupported");
        Assert.Equal(e.Str("version"), (await admin.GetJsonAsync($"/api/v1/calendar-events/{e.Id()}")).Str("version"));
        Assert.Equal([e.Id()], (await admin.GetJsonAsync("/api/v1/calendar-events")).Ids());

        await (await admin.GetAsync(Range(at, at.AddDays(93)))).ExpectProblemAsync(HttpStatusCode.BadRequest, "calendar.range_too_long");
        await (await admin.GetAsync(Range(at, at.AddDays(-1)))).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.GetAsync("/api/v1/calendar")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task EachOccurrenceRemindsOnceAndDeclinersAreNotReminded()
    {
        var tenant = await app.NewTenantAsync();
        var (colleagueId, colleague) = await app.NewColleagueAsync(tenant, CalendarRights);
        var (declinerId, decliner) = await app.NewColleagueAsync(tenant, CalendarRights);
        var start = DateTimeOffset.UtcNow.AddHours(2);
        var e = await tenant.Admin.PostJsonAsync("/api/v1/calendar-events", new
        {
            title = "Daily check", startAt = start, endAt = start.AddMinutes(15), repeat = "FREQ=DAILY;COUNT=2", remindMinutesBefore = 10,
            participants = new[] { colleagueId, declinerId },
        }, HttpStatusCode.Created);
        await decliner.PostJsonAsync($"/api/v1/calendar-events/{e.Id()}/response", new { response = "declined" }, HttpStatusCode.OK);

        await app.RunJobAsync<EventReminderJob>(EventReminderJob.Name, start.AddMinutes(-11));
        Assert.Empty(await colleague.NoticesAsync(EventReminders.Kind));
        await app.RunJobAsync<EventReminderJob>(EventReminderJob.Name, start.AddMinutes(-9));
        await app.RunJobAsync<EventReminderJob>(EventReminderJob.Name, start.AddMinutes(-8));
        var notice = Assert.Single(await colleague.NoticesAsync(EventReminders.Kind));
        Assert.Equal(e.Id(), notice.Str("recordId"));
        Assert.Single(await tenant.Admin.NoticesAsync(EventReminders.Kind));
        Assert.Empty(await decliner.NoticesAsync(EventReminders.Kind));

        // The next day's occurrence reminds again, then there is none left.
        await app.RunJobAsync<EventReminderJob>(EventReminderJob.Name, start.AddDays(1).AddMinutes(-9));
        await app.RunJobAsync<EventReminderJob>(EventReminderJob.Name, start.AddDays(5));
        Assert.Equal(2, (await colleague.NoticesAsync(EventReminders.Kind)).Count);
    }
}
