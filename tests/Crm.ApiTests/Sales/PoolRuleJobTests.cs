using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Platform.Notifications;
using Crm.Sales.Pool;
using Crm.Storage.Triggers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Sales;

/// <summary>The service with a notifier that records what it delivers (once per dedupe key, as the real one does).</summary>
public sealed class PoolJobApp : CrmApp
{
    internal RecordingNotifier Notifier { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<INotifier>(Notifier));
    }
}

internal sealed class RecordingNotifier : INotifier
{
    private int _failAfter = -1;

    public ConcurrentDictionary<(string TenantId, string Key), Notice> Delivered { get; } = new();
    public ConcurrentBag<(string TenantId, string Key)> Calls { get; } = [];

    /// <summary>The next run fails (as a crash would) after this many more deliveries.</summary>
    public void CrashAfter(int deliveries) => _failAfter = deliveries;

    public Task NotifyAsync(string tenantId, Notice notice, string dedupeKey, CancellationToken cancellationToken)
    {
        if (_failAfter == 0)
        {
            _failAfter = -1;
            throw new IOException("Simulated crash in the middle of a run");
        }
        if (_failAfter > 0)
        {
            _failAfter--;
        }
        Calls.Add((tenantId, dedupeKey));
        Delivered.TryAdd((tenantId, dedupeKey), notice);
        return Task.CompletedTask;
    }

    public List<Notice> For(string tenantId) => [.. Delivered.Where(d => d.Key.TenantId == tenantId).Select(d => d.Value)];
}

/// <summary>The pool rules and their daily job, run at chosen times (days after the customers were made).</summary>
public sealed class PoolRuleJobTests(PoolJobApp app) : IClassFixture<PoolJobApp>
{
    private static readonly DateTimeOffset Today = DateTimeOffset.UtcNow;

    private async Task<PoolRuleRun> RunAtAsync(TestTenant tenant, int daysLater)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PoolRuleJob>().ApplyAsync(tenant.Id, Today.AddDays(daysLater), CancellationToken.None);
    }

    private static Task<System.Text.Json.JsonElement> RuleAsync(TestTenant tenant, object body) =>
        tenant.Admin.PostJsonAsync("/api/v1/pool-rules", body, HttpStatusCode.Created);

    private static async Task<string?> OwnerAsync(TestTenant tenant, string id) => PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/customers/{id}"));

    [Fact]
    public async Task CustomerWithoutFollowUpForNDaysReturnsToThePoolOnceWithTheRuleNamed()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var rule = await RuleAsync(tenant, new { name = "30 days", daysWithoutFollowUp = 30 });
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Idle"));

        Assert.Equal(new PoolRuleRun(0, 0), await RunAtAsync(tenant, 29));
        Assert.Equal(repId, await OwnerAsync(tenant, customer.Id()));

        Assert.Equal(1, (await RunAtAsync(tenant, 31)).Returned);
        var returned = await tenant.Admin.GetJsonAsync($"/api/v1/pool/{customer.Id()}");
        Assert.Null(PoolSetup.Owner(returned));
        Assert.Equal(rule.Id(), returned.Str("poolRuleId"));
        Assert.Equal(repId, returned.Str("previousOwnerId"));
        Assert.Contains("30 days", returned.Str("poolReason"));
        await rep.GetJsonAsync($"/api/v1/customers/{customer.Id()}", HttpStatusCode.NotFound);

        // A rerun finds nothing left to do.
        Assert.Equal(new PoolRuleRun(0, 0), await RunAtAsync(tenant, 32));
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        var reclaimed = Assert.Single(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "reclaimed");
        Assert.Equal("system:pool-rules", reclaimed.Str("actorId"));
        Assert.Equal(rule.Id(), reclaimed.GetProperty("changes").GetProperty("poolRuleId").Str("after"));
        await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.customer.updated"),
            p => p.Items().Any(e => e.GetProperty("data").Str("recordId") == customer.Id() && e.GetProperty("data").Str("activity") == "reclaimed"));
    }

    [Fact]
    public async Task LockedCustomersAndThoseWithOpenOpportunitiesAreExempt()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        await RuleAsync(tenant, new { name = "Deal or follow-up", daysWithoutFollowUp = 30, daysWithoutDeal = 60 });
        var locked = await rep.CreateCustomerAsync(SalesSetup.Unique("Locked"));
        var dealing = await rep.CreateCustomerAsync(SalesSetup.Unique("Dealing"));
        var idle = await rep.CreateCustomerAsync(SalesSetup.Unique("Idle"));
        var lost = await rep.CreateCustomerAsync(SalesSetup.Unique("Lost deal"));
        await tenant.Admin.PostJsonAsync($"/api/v1/customers/{locked.Id()}/lock", new { }, HttpStatusCode.OK);
        await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = dealing.Id(), name = "Open deal" }, HttpStatusCode.Created);
        var closed = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = lost.Id(), name = "Lost deal" }, HttpStatusCode.Created);
        await tenant.Admin.PostJsonAsync($"/api/v1/opportunities/{closed.Id()}/lost", new { reason = "price" }, HttpStatusCode.OK);

        Assert.Equal(2, (await RunAtAsync(tenant, 31)).Returned);
        Assert.Equal(repId, await OwnerAsync(tenant, locked.Id()));
        Assert.Equal(repId, await OwnerAsync(tenant, dealing.Id()));
        Assert.Null(await OwnerAsync(tenant, idle.Id()));
        Assert.Null(await OwnerAsync(tenant, lost.Id()));
    }

    [Fact]
    public async Task AReturnedCustomersContactsAndOpenDealsGoToThePoolAndALaterRunFinishesWhatACrashLeft()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        await RuleAsync(tenant, new { name = "Idle", daysWithoutFollowUp = 30 });
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Idle with contacts"));
        var contact = await rep.CreateContactAsync(customer.Id(), "Sun Li", mobile: "13700137000");
        var lost = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Lost deal", ownerId = repId }, HttpStatusCode.Created);
        await tenant.Admin.PostJsonAsync($"/api/v1/opportunities/{lost.Id()}/lost", new { reason = "price" }, HttpStatusCode.OK);

        Assert.Equal(1, (await RunAtAsync(tenant, 31)).Returned);
        Assert.Null(await OwnerAsync(tenant, customer.Id()));
        Assert.Null(PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{contact.Id()}")));
        await rep.GetJsonAsync($"/api/v1/contacts/{contact.Id()}", HttpStatusCode.NotFound);
        Assert.Equal(repId, PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{lost.Id()}")));
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={contact.Id()}");
        Assert.Contains(audit, e => e.Str("activity") == "reclaimed");

        // A run that stopped between the customer and its contacts: the next run moves the rest.
        var left = await tenant.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = "Left behind", ownerId = repId }, HttpStatusCode.Created);
        Assert.Equal(new PoolRuleRun(0, 0), await RunAtAsync(tenant, 32));
        Assert.Null(PoolSetup.Owner(await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{left.Id()}")));
    }

    [Fact]
    public async Task OwnerIsWarnedKDaysBeforeExactlyOnce()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var rule = await RuleAsync(tenant, new { name = "Warned", daysWithoutFollowUp = 30, warnDaysBefore = 5 });
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Warned"));

        Assert.Equal(new PoolRuleRun(0, 0), await RunAtAsync(tenant, 24));
        Assert.Empty(app.Notifier.For(tenant.Id));
        Assert.Equal(1, (await RunAtAsync(tenant, 26)).Warned);
        await RunAtAsync(tenant, 26);
        await RunAtAsync(tenant, 28);

        var notice = Assert.Single(app.Notifier.For(tenant.Id));
        Assert.Equal(repId, notice.UserId);
        Assert.Equal("pool.warning", notice.Kind);
        Assert.Equal("customer", notice.RecordType);
        Assert.Equal(customer.Id(), notice.RecordId);
        var due = DateTimeOffset.Parse(customer.Str("createdAt"), System.Globalization.CultureInfo.InvariantCulture).AddDays(30);
        var key = PoolRuleJob.DedupeKey(customer.Id(), rule.Id(), due);
        Assert.All(app.Notifier.Calls.Where(c => c.TenantId == tenant.Id), c => Assert.Equal(key, c.Key));
        Assert.Equal(3, app.Notifier.Calls.Count(c => c.TenantId == tenant.Id));
        Assert.Equal(repId, await OwnerAsync(tenant, customer.Id()));
    }

    [Fact]
    public async Task TheMostSpecificDepartmentRuleBeatsTheTenantRule()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales " + Api.Stamp());
        var east = await tenant.CreateDepartmentAsync("East " + Api.Stamp(), sales.Id());
        var (_, eastRep) = await app.NewSellerAsync(tenant, departmentId: east.Id());
        var (_, officeRep) = await app.NewSellerAsync(tenant);
        await RuleAsync(tenant, new { name = "Tenant", daysWithoutFollowUp = 30 });
        var salesRule = await RuleAsync(tenant, new { name = "Sales", departmentId = sales.Id(), daysWithoutFollowUp = 60 });
        // A disabled rule is as if there were none: the next one up applies.
        await RuleAsync(tenant, new { name = "East (off)", departmentId = east.Id(), daysWithoutFollowUp = 5, enabled = false });
        var eastCustomer = await eastRep.CreateCustomerAsync(SalesSetup.Unique("East"));
        var officeCustomer = await officeRep.CreateCustomerAsync(SalesSetup.Unique("Office"));

        Assert.Equal(1, (await RunAtAsync(tenant, 31)).Returned);
        Assert.Null(await OwnerAsync(tenant, officeCustomer.Id()));
        Assert.NotNull(await OwnerAsync(tenant, eastCustomer.Id()));

        Assert.Equal(1, (await RunAtAsync(tenant, 61)).Returned);
        Assert.Equal(salesRule.Id(), (await tenant.Admin.GetJsonAsync($"/api/v1/pool/{eastCustomer.Id()}")).Str("poolRuleId"));
    }

    [Fact]
    public async Task RerunAfterACrashMidRunDoesNothingTwice()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        await RuleAsync(tenant, new { name = "Crashy", daysWithoutFollowUp = 30, daysWithoutDeal = 40, warnDaysBefore = 15 });
        var due = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            due.Add((await rep.CreateCustomerAsync(SalesSetup.Unique("Due"))).Id());
        }
        // Warned at day 20 (due at 30): the run crashes after one warning.
        app.Notifier.CrashAfter(1);
        await Assert.ThrowsAsync<IOException>(() => RunAtAsync(tenant, 20));
        await RunAtAsync(tenant, 20);
        await RunAtAsync(tenant, 20);
        Assert.Equal(3, app.Notifier.For(tenant.Id).Count);

        var run = await RunAtAsync(tenant, 31);
        Assert.Equal(3, run.Returned);
        Assert.Equal(new PoolRuleRun(0, 0), await RunAtAsync(tenant, 31));
        foreach (var id in due)
        {
            var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={id}");
            Assert.Single(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "reclaimed");
        }
    }

    [Fact]
    public async Task TheJobIsRegisteredAndRunsFromTheCommandLineRunner()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        await RuleAsync(tenant, new { name = "Today", daysWithoutFollowUp = 30 });
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Fresh"));
        Assert.Equal(0, await app.Service<TimerJobRunner>().RunOnceAsync(PoolRuleJob.Name, CancellationToken.None));
        Assert.Equal(repId, await OwnerAsync(tenant, customer.Id()));
    }

    [Fact]
    public async Task PoolRulesAreValidatedUniquePerScopeAndNeedSettingsManage()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        await (await rep.PostAsJsonAsync("/api/v1/pool-rules", new { name = "Mine", daysWithoutFollowUp = 30 })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.GetAsync("/api/v1/pool-rules")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        var none = await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool-rules", new { name = "Empty" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("daysWithoutFollowUp", none.ErrorFields());
        var warn = await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool-rules", new { name = "Late", daysWithoutFollowUp = 10, warnDaysBefore = 10 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("warnDaysBefore", warn.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool-rules", new { name = "Nowhere", departmentId = "01aaaaaaaaaaaaaaaaaaaaaaaa", daysWithoutDeal = 10 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "poolRule.department_not_found");

        var rule = await RuleAsync(tenant, new { name = "Tenant", daysWithoutFollowUp = 30 });
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/pool-rules", new { name = "Tenant again", daysWithoutDeal = 90 }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "poolRule.duplicate_scope");
        var changed = await (await tenant.Admin.PatchJsonAsync($"/api/v1/pool-rules/{rule.Id()}", new { enabled = false, daysWithoutDeal = 90 })).ExpectAsync(HttpStatusCode.OK);
        Assert.False(changed.GetProperty("enabled").GetBoolean());
        Assert.Equal(90, changed.GetProperty("daysWithoutDeal").GetInt32());
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pool-rules/{rule.Id()}", new { daysWithoutFollowUp = 0 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/pool-rules"));
        await (await tenant.Admin.DeleteAsync($"/api/v1/pool-rules/{rule.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/pool-rules"));
    }
}
