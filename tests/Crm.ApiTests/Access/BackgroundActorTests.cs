using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Sales.Leads;
using Crm.Sales.Pool;
using Crm.Platform.Records;

namespace Crm.ApiTests.Access;

/// <summary>
/// Work nobody is signed in to (jobs, queue handlers, orchestration activities) writes through the same record
/// writer as a request, as a named actor: its grant and data scope are checked exactly as a user's are, and
/// what it is refused changes nothing.
/// </summary>
public sealed class BackgroundActorTests(CrmApp app) : IClassFixture<CrmApp>
{
    private RecordWriter<Customer, CustomerFields, CustomerService> Customers => app.Service<RecordWriter<Customer, CustomerFields, CustomerService>>();

    [Fact]
    public async Task AnActorCannotChangeARecordOutsideItsScope()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Out of reach"), repId);
        // Sees every customer, but edits only its own: it owns none.
        var actor = new BackgroundActor("system:test-own-only", AccessProfile.From([
            new Role { Name = "see all", Permissions = ["customers.view"], DataScope = DataScope.All },
            new Role { Name = "edit own", Permissions = ["customers.edit"], DataScope = DataScope.Self }]));

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Customers.ChangeAsync(actor.In(tenant.Id), customer.Id(), null,
            Permissions.Actions.Edit, null, c => c with { Name = "Renamed by a job" }, CancellationToken.None));
        Assert.Equal(RecordGuard.OutOfScope, refused.Code);
        await Assert.ThrowsAsync<ForbiddenException>(() => Customers.UpdateAsync(actor.In(tenant.Id), customer.Id(), null,
            new() { ["name"] = "Patched by a job" }, CancellationToken.None));

        var stored = await rep.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal((customer.Str("name"), customer.Str("version")), (stored.Str("name"), stored.Str("version")));
    }

    [Fact]
    public async Task AnActorThatMayNotSeeARecordIsToldItDoesNotExist()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Unseen"), repId);
        var actor = BackgroundActor.Granted("test-department", DataScope.Department, "customers.view", "customers.edit");

        await Assert.ThrowsAsync<NotFoundException>(() => Customers.ChangeAsync(actor.In(tenant.Id), customer.Id(), null,
            Permissions.Actions.Edit, null, c => c with { Name = "Renamed" }, CancellationToken.None));
    }

    [Fact]
    public async Task ThePoolJobsActorMayReturnCustomersButNotWriteLeads()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync("Not the pool's", company: SalesSetup.Unique("Lead Co"));
        var leads = app.Service<RecordWriter<Lead, LeadFields, LeadService>>();
        var pool = PoolRuleJob.Actor.In(tenant.Id);

        await Assert.ThrowsAsync<NotFoundException>(() => leads.ChangeAsync(pool, lead.Id(), null, Permissions.Actions.Edit, null,
            l => l with { Name = "Changed by the pool job" }, CancellationToken.None));
        var denied = await Assert.ThrowsAsync<ForbiddenException>(() => leads.CreateAsync(pool, new LeadFields { Name = "Made by the pool job" }, CancellationToken.None));
        Assert.Equal("permission.denied", denied.Code);
        Assert.Equal(lead.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).Str("version"));
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/leads")).Items());

        // What it is granted, it may do, and the audit trail names it.
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Returned"), repId);
        await Customers.ChangeAsync(pool, customer.Id(), null, Permissions.Actions.Edit, Activities.Reclaimed,
            c => PoolRules.ToPool(c, DateTimeOffset.UtcNow, "test", null), CancellationToken.None);
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customer.Id()}");
        Assert.Contains(audit, e => e.Str("actorId") == PoolRuleJob.Actor.Id && e.Str("activity") == Activities.Reclaimed);
        await (await rep.GetAsync($"/api/v1/customers/{customer.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
    }
}
