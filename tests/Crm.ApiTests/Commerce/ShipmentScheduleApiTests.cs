using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Commerce.Shipments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Commerce;

/// <summary>
/// Recurring shipment schedules through HTTP, run by the host's orchestration worker: durable timers use real time, so
/// the schedules start in the past (every missed date is made at once) or in the future (nothing yet).
/// </summary>
public sealed class ShipmentScheduleApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Today in the tenant's zone (new tenants are in Asia/Shanghai).</summary>
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Dates(JsonElement schedule, string property) =>
        [.. schedule.GetProperty(property).EnumerateArray().Select(d => property == "nextDates" ? d.GetString()! : d.Str("deliveryDate"))];

    private static Task<JsonElement> WaitForShipmentsAsync(HttpClient client, string scheduleId, Func<JsonElement, bool> done) =>
        Http.EventuallyAsync(() => client.GetJsonAsync($"/api/v1/shipment-schedules/{scheduleId}"), done, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task AScheduleStartedInThePastMakesEveryMissedDeliveryOnceThenWaitsForTheNext()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin, drills: 100m);
        var start = Today.AddDays(-21);
        var schedule = await admin.PostJsonAsync($"/api/v1/contracts/{s.ContractId}/shipment-schedules", new
        {
            period = "weekly", startDate = Day(start), lines = new[] { new { productId = s.DrillId, quantity = 2m } }, paymentTerm = "Monthly invoice",
        }, HttpStatusCode.Created);
        Assert.Equal("active", schedule.Str("status"));
        var id = schedule.Id();

        // Four dates have begun (three weeks ago, two, one, and today): each gets its shipment, then the schedule waits.
        var caught = await WaitForShipmentsAsync(admin, id, v => v.GetProperty("shipments").GetArrayLength() >= 4 && v.GetProperty("delivered").GetInt32() >= 4);
        var expected = new[] { start, start.AddDays(7), start.AddDays(14), start.AddDays(21) }.Select(Day).ToList();
        Assert.Equal(expected, Dates(caught, "shipments").Order());
        Assert.Equal([.. Enumerable.Range(4, 5).Select(i => Day(start.AddDays(7 * i)))], Dates(caught, "nextDates"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await admin.GetJsonAsync($"/api/v1/shipment-schedules/{id}");
        Assert.Equal(4, later.GetProperty("shipments").GetArrayLength());

        var made = (await admin.GetJsonAsync($"/api/v1/shipments?scheduleId={id}")).Items();
        Assert.Equal(4, made.Count);
        Assert.All(made, m =>
        {
            Assert.Equal(("packed", s.ContractId, "Monthly invoice", tenant.AdminUserId), (m.Str("status"), m.Str("contractId"), m.Str("paymentTerm"), m.Str("ownerId")));
            Assert.Equal([(s.DrillId, 2m, false), (s.BitsId, 4m, true)], ShipmentSetup.Lines(m));
        });
        Assert.Equal([id], (await admin.GetJsonAsync($"/api/v1/contracts/{s.ContractId}/shipment-schedules")).Ids());
    }

    [Fact]
    public async Task AFutureScheduleShowsItsDatesAndMakesNothingUntilThenAndCancelStopsIt()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var url = $"/api/v1/contracts/{s.ContractId}/shipment-schedules";
        var lines = new[] { new { productId = s.DrillId, quantity = 1m } };
        var start = new DateOnly(Today.Year + 1, 1, 31);

        await (await admin.PostAsJsonAsync(url, new { period = "monthly", startDate = Day(start), endDate = Day(start.AddDays(-1)), lines }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync(url, new { period = "daily", startDate = Day(start), lines })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync(url, new { period = "monthly", startDate = Day(start), lines, colour = "red" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync(url, new { period = "monthly", startDate = Day(start), lines = Array.Empty<object>() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync(url, new { period = "monthly", startDate = Day(start), lines = new[] { new { productId = s.InstallId, quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.service_line");
        var elsewhere = await admin.PostJsonAsync("/api/v1/products", new { code = "X" + Api.Stamp(), name = "Not sold" }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync(url, new { period = "monthly", startDate = Day(start), lines = new[] { new { productId = elsewhere.Id(), quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "shipment.not_on_contract");
        await (await admin.PostAsJsonAsync("/api/v1/contracts/01aaaaaaaaaaaaaaaaaaaaaaaa/shipment-schedules", new { period = "monthly", startDate = Day(start), lines }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "contract.not_found");
        var draft = await admin.PostJsonAsync("/api/v1/contracts", new { name = "Draft", customerId = s.CustomerId, lines }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/contracts/{draft.Id()}/shipment-schedules", new { period = "monthly", startDate = Day(start), lines }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "shipment.contract_not_active");

        var schedule = await admin.PostJsonAsync(url, new { period = "monthly", startDate = Day(start), endDate = Day(start.AddMonths(3)), lines }, HttpStatusCode.Created);
        var y = start.Year;
        Assert.Equal([$"{y}-01-31", DateOnly.FromDateTime(new DateTime(y, 2, DateTime.DaysInMonth(y, 2))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"{y}-03-31", $"{y}-04-30"],
            Dates(schedule, "nextDates"));
        Assert.Empty(schedule.GetProperty("shipments").EnumerateArray());
        var quarterly = await admin.PostJsonAsync(url, new { period = "quarterly", startDate = Day(start), lines }, HttpStatusCode.Created);
        Assert.Equal([$"{y}-01-31", $"{y}-04-30", $"{y}-07-31", $"{y}-10-31", $"{y + 1}-01-31"], Dates(quarterly, "nextDates"));

        // The run waits on its timer; its instance is the schedule's.
        var client = app.Service<DurableTaskClient>();
        var instance = await Http.EventuallyAsync(() => client.GetInstanceAsync(ScheduleRun.InstanceId(tenant.Id, schedule.Id())), i => i is { RuntimeStatus: OrchestrationRuntimeStatus.Running });
        Assert.NotNull(instance);

        var one = $"/api/v1/shipment-schedules/{schedule.Id()}";
        var read = await admin.GetAsync(one);
        var etag = read.Headers.ETag!.Tag;
        await (await admin.SendAsync(HttpMethod.Post, $"{one}/cancel", new { reason = "Paused" }, ("If-Match", "\"stale\""))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var cancelled = await (await admin.SendAsync(HttpMethod.Post, $"{one}/cancel", new { reason = "Paused" }, ("If-Match", etag))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("cancelled", "Paused"), (cancelled.Str("status"), cancelled.Str("endReason")));
        Assert.Empty(cancelled.GetProperty("nextDates").EnumerateArray());
        await (await admin.PostAsJsonAsync($"{one}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "shipmentSchedule.not_active");
        await Http.EventuallyAsync(() => client.GetInstanceAsync(ScheduleRun.InstanceId(tenant.Id, schedule.Id())), i => i is { RuntimeStatus: OrchestrationRuntimeStatus.Terminated });
        Assert.Empty((await admin.GetJsonAsync($"/api/v1/shipments?scheduleId={schedule.Id()}")).Items());
        await (await admin.GetAsync("/api/v1/shipment-schedules/01aaaaaaaaaaaaaaaaaaaaaaaa")).ExpectProblemAsync(HttpStatusCode.NotFound, "shipmentSchedule.not_found");
    }

    [Fact]
    public async Task TheLastDeliveryShipsWhatRemainsOfTheContractThenTheScheduleEnds()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin, drills: 5m);
        var schedule = await admin.PostJsonAsync($"/api/v1/contracts/{s.ContractId}/shipment-schedules", new
        {
            period = "weekly", startDate = Day(Today.AddDays(-28)), lines = new[] { new { productId = s.DrillId, quantity = 2m } },
        }, HttpStatusCode.Created);

        var ended = await WaitForShipmentsAsync(admin, schedule.Id(), v => v.Str("status") == "ended");
        Assert.Equal(3, ended.GetProperty("shipments").GetArrayLength());
        Assert.Contains("Nothing remains", ended.Str("endReason"), StringComparison.Ordinal);
        var quantities = (await admin.GetJsonAsync($"/api/v1/shipments?scheduleId={schedule.Id()}")).Items()
            .Select(m => ShipmentSetup.Lines(m).Single(l => !l.Gift).Quantity).Order();
        Assert.Equal([1m, 2m, 2m], quantities);
    }

    [Fact]
    public async Task AScheduleEndsWhenItsContractIsTerminated()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin);
        var schedule = await admin.PostJsonAsync($"/api/v1/contracts/{s.ContractId}/shipment-schedules", new
        {
            period = "monthly", startDate = Day(Today.AddDays(3)), lines = new[] { new { productId = s.SawId, quantity = 1m } },
        }, HttpStatusCode.Created);
        await admin.PostJsonAsync($"/api/v1/contracts/{s.ContractId}/terminate", new { reason = "Customer went away" }, HttpStatusCode.OK);

        // The sweep sees it now rather than at the next date.
        var job = ActivatorUtilities.CreateInstance<ShipmentScheduleSweepJob>(app.Services);
        await job.RunAsync(new Crm.Storage.Triggers.TimerJobContext(ShipmentScheduleSweepJob.Name, DateTimeOffset.UtcNow, null, false), CancellationToken.None);
        var ended = await admin.GetJsonAsync($"/api/v1/shipment-schedules/{schedule.Id()}");
        Assert.Equal(("ended", "The contract is terminated."), (ended.Str("status"), ended.Str("endReason")));
        Assert.Empty(ended.GetProperty("nextDates").EnumerateArray());
        var client = app.Service<DurableTaskClient>();
        await Http.EventuallyAsync(() => client.GetInstanceAsync(ScheduleRun.InstanceId(tenant.Id, schedule.Id())), i => i is { IsCompleted: true });
        Assert.Empty((await admin.GetJsonAsync($"/api/v1/shipments?scheduleId={schedule.Id()}")).Items());

        // A delivery run late (the timer fired as the contract ended) makes nothing either.
        Assert.Equal("stopped", await app.Service<ShipmentSchedules>().DeliverAsync(tenant.Id, schedule.Id(), 0, Today.AddDays(3), CancellationToken.None));
    }

    [Fact]
    public async Task ARunLostMidWayIsRestartedByTheSweepAndNoDeliveryIsMadeTwice()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var s = await ShipmentSetup.SaleAsync(admin, drills: 100m);
        var start = Today.AddDays(-14);
        var schedule = await admin.PostJsonAsync($"/api/v1/contracts/{s.ContractId}/shipment-schedules", new
        {
            period = "weekly", startDate = Day(start), lines = new[] { new { productId = s.DrillId, quantity = 1m } },
        }, HttpStatusCode.Created);
        var id = schedule.Id();
        await WaitForShipmentsAsync(admin, id, v => v.GetProperty("delivered").GetInt32() >= 3);

        // An activity run again after a crash (before its result was saved) finds its delivery made.
        var schedules = app.Service<ShipmentSchedules>();
        Assert.Equal(ShipmentScheduleRun.Continue, await schedules.DeliverAsync(tenant.Id, id, 1, start.AddDays(7), CancellationToken.None));
        // The run is lost (terminated as if its hub state were gone) and the schedule rolled back to an earlier delivery.
        var client = app.Service<DurableTaskClient>();
        var instanceId = ScheduleRun.InstanceId(tenant.Id, id);
        await client.TerminateInstanceAsync(instanceId, "lost");
        await Http.EventuallyAsync(() => client.GetInstanceAsync(instanceId), i => i is { IsCompleted: true });
        var store = app.Service<Crm.Storage.Records.RecordStore<Crm.Domain.Commerce.ShipmentSchedule>>();
        await store.UpdateAsync(new Crm.Storage.Records.WriteContext(tenant.Id, tenant.AdminUserId, null, DateTimeOffset.UtcNow), id, null,
            x => ValueTask.FromResult(x with { Delivered = 1 }));

        var job = ActivatorUtilities.CreateInstance<ShipmentScheduleSweepJob>(app.Services);
        await job.RunAsync(new Crm.Storage.Triggers.TimerJobContext(ShipmentScheduleSweepJob.Name, DateTimeOffset.UtcNow, null, false), CancellationToken.None);
        var resumed = await WaitForShipmentsAsync(admin, id, v => v.GetProperty("delivered").GetInt32() >= 3
            && v.GetProperty("nextDates")[0].GetString() == Day(start.AddDays(21)));
        Assert.Equal([Day(start), Day(start.AddDays(7)), Day(start.AddDays(14))], Dates(resumed, "shipments").Order());
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(instanceId))!.RuntimeStatus);
    }
}
