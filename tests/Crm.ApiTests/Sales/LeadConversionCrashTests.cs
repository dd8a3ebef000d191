using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Sales.Leads;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Sales;

/// <summary>
/// A conversion step registered the way the follow-ups feature registers its own: it records what it was
/// given, and for a lead whose remark asks for it, crashes the first time, after the records exist.
/// </summary>
internal sealed class CrashingConversionStep : ILeadConversionStep
{
    public const string CrashOnce = "crash once";

    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string LeadId, string CustomerId, string ContactId, string? OpportunityId, string? Activity)> Seen { get; } = new();

    public Task RunAsync(LeadConversionContext conversion, CancellationToken cancellationToken)
    {
        Seen.Enqueue((conversion.Lead.Id, conversion.CustomerId, conversion.ContactId, conversion.OpportunityId, conversion.Write.Activity));
        if (conversion.Lead.Remark == CrashOnce && _calls.AddOrUpdate(conversion.Lead.Id, 1, (_, n) => n + 1) == 1)
        {
            throw new IOException("Simulated crash between making the records and marking the lead converted.");
        }
        return Task.CompletedTask;
    }
}

public sealed class CrashingConversionApp : CrmApp
{
    internal CrashingConversionStep Step { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILeadConversionStep>(Step));
    }
}

public sealed class LeadConversionCrashTests(CrashingConversionApp app) : IClassFixture<CrashingConversionApp>
{
    [Fact]
    public async Task ARetryAfterACrashFinishesTheConversionWithTheRecordsAlreadyMade()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.PostJsonAsync("/api/v1/leads", new { name = "Fragile", company = SalesSetup.Unique("Fragile Co"), remark = CrashingConversionStep.CrashOnce },
            HttpStatusCode.Created);
        var body = new { createOpportunity = new { name = "Fragile deal", amount = 10 } };

        var crashed = await tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", body);
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        var halfway = await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}");
        Assert.Equal(JsonValueKind.Null, halfway.GetProperty("convertedAt").ValueKind);
        var reserved = halfway.GetProperty("conversion");
        var customerId = reserved.Str("customerId");
        // Every record was made with its reserved id before the crash.
        await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customerId}");
        await tenant.Admin.GetJsonAsync($"/api/v1/contacts/{reserved.Str("contactId")}");
        await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{reserved.Str("opportunityId")}");

        var done = await tenant.Admin.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", body, HttpStatusCode.OK);
        var to = done.GetProperty("convertedTo");
        Assert.Equal((customerId, reserved.Str("contactId"), reserved.Str("opportunityId")), (to.Str("customerId"), to.Str("contactId"), to.Str("opportunityId")));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("conversion").ValueKind);
        Assert.Equal([customerId], (await tenant.Admin.ListAllAsync("/api/v1/customers")).Select(c => c.Id()));
        Assert.Equal([to.Str("contactId")], (await tenant.Admin.ListAllAsync("/api/v1/contacts")).Select(c => c.Id()));
        Assert.Equal([to.Str("opportunityId")], (await tenant.Admin.ListAllAsync("/api/v1/opportunities")).Select(c => c.Id()));
        Assert.Single(await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={customerId}"));

        // The step ran on each attempt with the same records and the conversion's activity.
        var seen = app.Step.Seen.Where(s => s.LeadId == lead.Id()).ToList();
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.Equal((customerId, to.Str("contactId"), to.Str("opportunityId"), "converted"), (s.CustomerId, s.ContactId, s.OpportunityId, s.Activity)));
    }

    [Fact]
    public async Task ARetryAfterACrashMayDropTheOpportunityOnlyIfNoneWasMade()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.PostJsonAsync("/api/v1/leads", new { name = "Fickle", company = SalesSetup.Unique("Fickle Co"), remark = CrashingConversionStep.CrashOnce },
            HttpStatusCode.Created);
        var crashed = await tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { createOpportunity = new { name = "Fickle deal" } });
        Assert.Equal(HttpStatusCode.InternalServerError, crashed.StatusCode);
        var opportunityId = (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("conversion").Str("opportunityId");

        // The opportunity made before the crash stays part of the conversion; a retry naming another customer is refused.
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Elsewhere"));
        var refused = await (await tenant.Admin.PostAsJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { existingCustomerId = other.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "lead.conversion_in_progress");
        Assert.NotEqual(other.Id(), refused.Str("customerId"));
        var done = await tenant.Admin.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { }, HttpStatusCode.OK);
        Assert.Equal(opportunityId, done.GetProperty("convertedTo").Str("opportunityId"));
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/opportunities"));
    }
}
