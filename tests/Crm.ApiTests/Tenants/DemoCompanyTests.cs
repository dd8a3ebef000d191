using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.Sales.Demo;
using Crm.Platform.Tenants;
using Crm.Storage.Tenants;

namespace Crm.ApiTests.Tenants;

/// <summary>The run command's demo data: a meaningful first call for a newcomer, and safe to run again.</summary>
public sealed class DemoCompanyTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Password = "Demo-Password-2026";

    [Fact]
    public async Task SeedsASmallCompanyThatColleaguesSeeThroughTheirOwnScopeAndRerunsWithoutDuplicates()
    {
        var tenant = await app.NewTenantAsync();
        var stored = await app.Service<TenantStore>().FindAsync(tenant.Id, CancellationToken.None);
        var summary = await app.Service<DemoCompany>().SeedAsync(stored!, Password, CancellationToken.None);
        Assert.Equal(SalesDemoData.CustomerCount, summary.Count(SalesDemoData.Customers));
        Assert.True(summary.Count(SalesDemoData.Contacts) >= summary.Count(SalesDemoData.Customers));

        var customers = await tenant.Admin.ListAllAsync("/api/v1/customers?limit=100");
        Assert.Equal(SalesDemoData.CustomerCount + summary.Count(SalesDemoData.ConvertedLeads), customers.Count);
        Assert.Equal(summary.Count(SalesDemoData.Released), (await tenant.Admin.ListAllAsync("/api/v1/pool?limit=100")).Count);
        Assert.InRange(summary.Count(SalesDemoData.Released), 1, 10);

        // Leads in several statuses; the converted ones left the list and became customers with an opportunity.
        Assert.Equal(SalesDemoData.LeadCount, summary.Count(SalesDemoData.Leads));
        Assert.InRange(summary.Count(SalesDemoData.ConvertedLeads), 1, 5);
        var leads = await tenant.Admin.ListAllAsync("/api/v1/leads?limit=100");
        Assert.Equal(SalesDemoData.LeadCount - summary.Count(SalesDemoData.ConvertedLeads), leads.Count);
        Assert.True(leads.Select(l => l.Str("status")).Distinct().Count() >= 3);
        Assert.Equal(summary.Count(SalesDemoData.FollowUps), (await tenant.Admin.ListAllAsync("/api/v1/followups?limit=100")).Count);
        Assert.True(summary.Count(SalesDemoData.FollowUps) >= 20);
        var opportunities = await tenant.Admin.ListAllAsync("/api/v1/opportunities?limit=100");
        Assert.Equal(summary.Count(SalesDemoData.Opportunities) + summary.Count(SalesDemoData.ConvertedLeads), opportunities.Count);
        Assert.Equal(["lost", "open", "won"], opportunities.Select(o => o.Str("status")).Distinct().Order());
        Assert.All(opportunities.Where(o => o.Str("status") == "won"), o => Assert.True(o.GetProperty("stageHistory").GetArrayLength() >= 2));

        // A rep signs in with the demo password and sees only their own customers; their manager sees the team's.
        var rep = await tenant.SignInAsync("li.lei", Password);
        var mine = await rep.ListAllAsync("/api/v1/customers?limit=100");
        Assert.InRange(mine.Count, 1, SalesDemoData.CustomerCount / 3);
        Assert.Single(mine.Select(c => c.Str("ownerId")).Distinct());
        var manager = await tenant.SignInAsync("zhou.min", Password);
        var team = await manager.ListAllAsync("/api/v1/customers?limit=100");
        Assert.True(team.Count > mine.Count && team.Count < SalesDemoData.CustomerCount);
        Assert.Contains(mine[0].Id(), team.Select(c => c.Id()));
        var colleagues = customers.First(c => c.Str("ownerId") != mine[0].Str("ownerId"));
        await (await rep.GetAsync($"/api/v1/customers/{colleagues.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");

        var again = await app.Service<DemoCompany>().SeedAsync(stored!, Password, CancellationToken.None);
        Assert.Equal((summary.Departments, summary.Users, summary.Count(SalesDemoData.Customers), summary.Count(SalesDemoData.Leads)),
            (again.Departments, again.Users, again.Count(SalesDemoData.Customers), again.Count(SalesDemoData.Leads)));
        Assert.All(new[] { SalesDemoData.Contacts, SalesDemoData.Opportunities, SalesDemoData.ConvertedLeads, SalesDemoData.FollowUps, SalesDemoData.Released },
            made => Assert.Equal(0, again.Count(made)));
        Assert.Equal(customers.Count, (await tenant.Admin.ListAllAsync("/api/v1/customers?limit=100")).Count);
        Assert.Equal(leads.Count, (await tenant.Admin.ListAllAsync("/api/v1/leads?limit=100")).Count);
        Assert.Equal(summary.Count(SalesDemoData.FollowUps), (await tenant.Admin.ListAllAsync("/api/v1/followups?limit=100")).Count);
        Assert.Equal(summary.Count(SalesDemoData.Contacts) + summary.Count(SalesDemoData.ConvertedLeads), (await tenant.Admin.ListAllAsync("/api/v1/contacts?limit=100")).Count);
        Assert.Equal(1 + summary.Users, (await tenant.Admin.ListAllAsync("/api/v1/users?limit=100")).Count);
    }
}
