using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Sales;

public sealed class OpportunityApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] DealRights =
        [.. SalesSetup.RepRights, "opportunities.view", "opportunities.create", "opportunities.edit", "opportunities.delete"];

    [Fact]
    public async Task ANewOpportunityStartsInTheDefaultPipelinesFirstOpenStageInTheTenantsCurrency()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        var contact = await tenant.Admin.CreateContactAsync(customer.Id(), "Li Lei");
        var pipeline = await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default");

        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new
        {
            name = "ERP roll-out",
            customerId = customer.Id(),
            amount = 120000.50m,
            expectedCloseDate = "2027-03-31",
            contacts = new[] { new { contactId = contact.Id(), role = "decisionMaker" } },
            productLines = new[] { new { productId = (string?)null, name = "Licence", quantity = 10, unitPrice = 1000m, discount = 10m }, new { productId = (string?)null, name = "Training", quantity = 2, unitPrice = 500m, discount = 0m } },
            competitors = new[] { "Acme ERP" },
            nextStep = "Demo",
        }, HttpStatusCode.Created);

        Assert.Equal(pipeline.Id(), deal.Str("pipelineId"));
        Assert.Equal("qualification", deal.Str("stageKey"));
        Assert.Equal(10, deal.GetProperty("probability").GetInt32());
        Assert.Equal("open", deal.Str("status"));
        Assert.Equal("CNY", deal.Str("currency"));
        Assert.Equal(tenant.AdminUserId, deal.Str("ownerId"));
        Assert.Equal(9000m, deal.GetProperty("productLines")[0].GetProperty("total").GetDecimal());
        Assert.Equal(10000m, deal.GetProperty("productTotal").GetDecimal());
        Assert.Equal("decisionMaker", deal.GetProperty("contacts")[0].Str("role"));
        var history = deal.GetProperty("stageHistory");
        Assert.Equal(1, history.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("from").ValueKind);
        Assert.Equal("qualification", history[0].Str("to"));
        Assert.Equal(tenant.AdminUserId, history[0].Str("by"));

        // An override replaces the stage's probability; clearing it brings the stage's back.
        var overridden = await (await tenant.Admin.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { probabilityOverride = 45, currency = "EUR" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(45, overridden.GetProperty("probability").GetInt32());
        Assert.Equal("EUR", overridden.Str("currency"));
        var cleared = await (await tenant.Admin.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { probabilityOverride = (int?)null })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(10, cleared.GetProperty("probability").GetInt32());
    }

    [Fact]
    public async Task BadOpportunitiesAnswer400WithStableCodes()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant, rights: DealRights);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Strict"));
        var other = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        var stranger = await tenant.Admin.CreateContactAsync(other.Id(), "Stranger");
        var id = customer.Id();

        async Task Expect(object body, string code, string? field = null)
        {
            var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/opportunities", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        await Expect(new { name = "x", customerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }, "opportunity.customer_not_found", "customerId");
        await (await rep.PostAsJsonAsync("/api/v1/opportunities", new { name = "x", customerId = id })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.customer_not_found");
        await Expect(new { name = "x" }, "validation.failed");
        await Expect(new { name = "x", customerId = id, amount = -1 }, "validation.failed", "amount");
        await Expect(new { name = "x", customerId = id, currency = "eur" }, "validation.failed", "currency");
        await Expect(new { name = "x", customerId = id, probabilityOverride = 101 }, "validation.failed", "probabilityOverride");
        await Expect(new { name = "x", customerId = id, productLines = new[] { new { name = "A", quantity = 0, unitPrice = 1, discount = 0 } } }, "validation.failed", "productLines[0].quantity");
        await Expect(new { name = "x", customerId = id, productLines = new[] { new { name = "A", quantity = 1, unitPrice = 1, discount = 120 } } }, "validation.failed", "productLines[0].discount");
        await Expect(new { name = "x", customerId = id, contacts = new[] { new { contactId = stranger.Id(), role = (string?)null } } }, "opportunity.contact_invalid", "contacts[0].contactId");
        var contact = await tenant.Admin.CreateContactAsync(id, "Mine");
        await Expect(new { name = "x", customerId = id, contacts = new[] { new { contactId = contact.Id(), role = "boss" } } }, "dictionary.value_unknown", "contacts[0].role");
        await Expect(new { name = "x", customerId = id, pipelineId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }, "opportunity.pipeline_not_found", "pipelineId");
        await Expect(new { name = "x", customerId = id, stageKey = "nowhere" }, "pipeline.unknown_stage", "stageKey");
        await Expect(new { name = "x", customerId = id, stageKey = "won" }, "opportunity.stage_closed", "stageKey");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/opportunities")).Items());

        // Stage and status move by the actions only; the customer and pipeline stay.
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Deal", customerId = id }, HttpStatusCode.Created);
        var url = $"/api/v1/opportunities/{deal.Id()}";
        Assert.Contains("stageKey", (await (await tenant.Admin.PatchJsonAsync(url, new { stageKey = "proposal" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.stage_by_action")).ErrorFields());
        await (await tenant.Admin.PatchJsonAsync(url, new { status = "won" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.stage_by_action");
        await (await tenant.Admin.PatchJsonAsync(url, new { customerId = other.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.customer_fixed");
        await (await tenant.Admin.PatchJsonAsync(url, new { amount = -5 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var stored = await tenant.Admin.GetJsonAsync(url);
        Assert.Equal("qualification", stored.Str("stageKey"));
        Assert.Equal(0m, stored.GetProperty("amount").GetDecimal());
        Assert.Equal(deal.Str("version"), stored.Str("version"));
    }

    [Fact]
    public async Task StagesMoveAsThePipelineAllowsAndEveryMoveIsKept()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Mover"));
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Deal", customerId = customer.Id(), probabilityOverride = 50 }, HttpStatusCode.Created);
        var url = $"/api/v1/opportunities/{deal.Id()}";

        var proposal = await tenant.Admin.PostJsonAsync($"{url}/stage", new { stageKey = "proposal" }, HttpStatusCode.OK);
        Assert.Equal("proposal", proposal.Str("stageKey"));
        Assert.Equal(50, proposal.GetProperty("probability").GetInt32());
        var back = await tenant.Admin.PostJsonAsync($"{url}/stage", new { stageKey = "needsAnalysis" }, HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync($"{url}/stage", new { stageKey = "needsAnalysis" })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.illegal_stage_move");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/stage", new { stageKey = "won" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.use_won_or_lost");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/stage", new { stageKey = "nowhere" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "pipeline.unknown_stage");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/stage", new { stageKey = "proposal", reopen = true })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.illegal_stage_move");

        // If-Match is honoured: a stale version changes nothing.
        await (await tenant.Admin.SendAsync(HttpMethod.Post, $"{url}/won", null, ("If-Match", $"\"{proposal.Str("version")}\""))).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var won = await (await tenant.Admin.SendAsync(HttpMethod.Post, $"{url}/won", null, ("If-Match", $"\"{back.Str("version")}\""))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("won", won.Str("status"));
        Assert.Equal("won", won.Str("stageKey"));
        Assert.Equal(100, won.GetProperty("probability").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, won.GetProperty("closedAt").ValueKind);

        // Won is final until a reopen; a reopen leads to an open stage.
        await (await tenant.Admin.PostAsync($"{url}/won", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.illegal_stage_move");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/lost", new { reason = "price" })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.illegal_stage_move");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/stage", new { stageKey = "proposal" })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.illegal_stage_move");
        var reopened = await tenant.Admin.PostJsonAsync($"{url}/stage", new { stageKey = "negotiation", reopen = true }, HttpStatusCode.OK);
        Assert.Equal("open", reopened.Str("status"));
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("closedAt").ValueKind);
        // The operation log names each move, so timelines and feed consumers need not infer it from the fields.
        var moves = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={won.Id()}");
        Assert.Equal(["stageChanged", "won"], moves.Take(2).Select(e => e.Str("activity")));
        Assert.Null(moves[^1].Str("activity"));

        await (await tenant.Admin.PostAsJsonAsync($"{url}/lost", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync($"{url}/lost", new { reason = "bored" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_unknown");
        var lost = await tenant.Admin.PostJsonAsync($"{url}/lost", new { reason = "competitor" }, HttpStatusCode.OK);
        Assert.Equal("lost", lost.Str("status"));
        Assert.Equal("competitor", lost.Str("lossReason"));
        Assert.Equal(0, lost.GetProperty("probability").GetInt32());
        var again = await tenant.Admin.PostJsonAsync($"{url}/stage", new { stageKey = "qualification", reopen = true }, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, again.GetProperty("lossReason").ValueKind);
        Assert.Equal(50, again.GetProperty("probability").GetInt32());

        var history = (await tenant.Admin.GetJsonAsync(url)).GetProperty("stageHistory").EnumerateArray()
            .Select(h => $"{(h.GetProperty("from").ValueKind == JsonValueKind.Null ? "-" : h.Str("from"))}>{h.Str("to")}").ToList();
        Assert.Equal(["->qualification", "qualification>proposal", "proposal>needsAnalysis", "needsAnalysis>won", "won>negotiation", "negotiation>lost", "lost>qualification"], history);
        await (await tenant.Admin.PatchJsonAsync(url, new { stageHistory = Array.Empty<object>() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.stage_by_action");
    }

    [Fact]
    public async Task ARepSeesAndMovesOnlyTheirOwnOpportunities()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: DealRights);
        var (_, colleague) = await app.NewSellerAsync(tenant, rights: DealRights);
        var (_, viewer) = await app.NewSellerAsync(tenant, rights: [.. SalesSetup.RepRights, "opportunities.view", "opportunities.create"]);
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Rep's"));
        var deal = await rep.PostJsonAsync("/api/v1/opportunities", new { name = "Rep's deal", customerId = customer.Id() }, HttpStatusCode.Created);
        Assert.Equal(repId, deal.Str("ownerId"));

        Assert.Equal([deal.Id()], (await rep.GetJsonAsync("/api/v1/opportunities")).Ids());
        Assert.Empty((await colleague.GetJsonAsync("/api/v1/opportunities")).Items());
        await (await colleague.GetAsync($"/api/v1/opportunities/{deal.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "opportunity.not_found");
        await (await colleague.PostAsJsonAsync($"/api/v1/opportunities/{deal.Id()}/stage", new { stageKey = "proposal" })).ExpectProblemAsync(HttpStatusCode.NotFound, "opportunity.not_found");
        await (await viewer.PostAsJsonAsync($"/api/v1/opportunities/{deal.Id()}/stage", new { stageKey = "proposal" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await tenant.Admin.PostJsonAsync($"/api/v1/opportunities/{deal.Id()}/stage", new { stageKey = "proposal" }, HttpStatusCode.OK);
        Assert.Equal("proposal", (await rep.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")).Str("stageKey"));
    }

    [Fact]
    public async Task APipelineWithOpportunitiesCannotBeDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var stages = new object[]
        {
            new { key = "talk", name = "Talk", probability = 20, kind = "open" },
            new { key = "won", name = "Won", probability = 100, kind = "won" },
            new { key = "lost", name = "Lost", probability = 0, kind = "lost" },
        };
        var renewals = await tenant.Admin.PostJsonAsync("/api/v1/pipelines", new { name = "Renewals", stages }, HttpStatusCode.Created);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Renewer"));
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Renewal", customerId = customer.Id(), pipelineId = renewals.Id() }, HttpStatusCode.Created);
        Assert.Equal("talk", deal.Str("stageKey"));
        Assert.Equal(20, deal.GetProperty("probability").GetInt32());
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/opportunities/{deal.Id()}", new { pipelineId = (await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default")).Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "opportunity.pipeline_fixed");

        // The deal's stage cannot be taken out from under it; other stages can be added and removed.
        var withoutTalk = new object[]
        {
            new { key = "pitch", name = "Pitch", probability = 30, kind = "open" },
            new { key = "won", name = "Won", probability = 100, kind = "won" },
            new { key = "lost", name = "Lost", probability = 0, kind = "lost" },
        };
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { stages = withoutTalk })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.stage_in_use");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { stages = new object[] { stages[0], withoutTalk[0], stages[1], stages[2] } })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { stages })).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.DeleteAsync($"/api/v1/pipelines/{renewals.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.in_use");
        await tenant.Admin.GetJsonAsync($"/api/v1/pipelines/{renewals.Id()}");
        await (await tenant.Admin.DeleteAsync($"/api/v1/opportunities/{deal.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/pipelines/{renewals.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ACustomerTransferWithTheOpportunitiesCascadeMovesThemToo()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant, rights: DealRights);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Handed over"));
        var left = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Kept"));
        var deals = new List<string>();
        foreach (var name in new[] { "One", "Two" })
        {
            deals.Add((await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name, customerId = customer.Id() }, HttpStatusCode.Created)).Id());
        }
        var kept = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Kept", customerId = left.Id() }, HttpStatusCode.Created);

        await tenant.Admin.PostJsonAsync("/api/v1/customers/transfer", new { ids = new[] { customer.Id() }, ownerId = repId, cascade = new[] { "opportunities" }, keepOldOwnerAsMember = true }, HttpStatusCode.OK);

        Assert.Equal(deals.Order(), (await rep.GetJsonAsync("/api/v1/opportunities")).Ids().Order());
        var moved = await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deals[0]}");
        Assert.Equal(repId, moved.Str("ownerId"));
        Assert.Contains(moved.GetProperty("team").EnumerateArray(), m => m.Str("userId") == tenant.AdminUserId && m.Str("access") == "readWrite");
        Assert.Equal(tenant.AdminUserId, (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{kept.Id()}")).Str("ownerId"));
    }

    [Fact]
    public async Task OpportunitiesFollowAMergeBlockACustomersDeleteAndComeBackOnlyToALiveCustomer()
    {
        var tenant = await app.NewTenantAsync();
        var target = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Target"));
        var source = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Source"));
        var deal = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Follows", customerId = source.Id() }, HttpStatusCode.Created);

        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{source.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.has_opportunities");
        var merged = await tenant.Admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { source.Id() } }, HttpStatusCode.OK);
        Assert.Equal([deal.Id()], merged.GetProperty("movedOpportunityIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(target.Id(), (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")).Str("customerId"));
        Assert.Equal([deal.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities?customerId={target.Id()}")).Ids());

        // Binned with its customer, it comes back only after the customer.
        await (await tenant.Admin.DeleteAsync($"/api/v1/opportunities/{deal.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{target.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/opportunity/{deal.Id()}/restore", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "opportunity.customer_deleted");
        await (await tenant.Admin.GetAsync($"/api/v1/opportunities/{deal.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "opportunity.not_found");
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/customer/{target.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PostAsync($"/api/v1/recycle-bin/opportunity/{deal.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Follows", (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")).Str("name"));
    }

    [Fact]
    public async Task ListsFilterByStageAndStatusAndSearchFindsTheName()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Filtered"));
        var open = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Platform upgrade", customerId = customer.Id(), stageKey = "proposal" }, HttpStatusCode.Created);
        var closed = await tenant.Admin.PostJsonAsync("/api/v1/opportunities", new { name = "Support renewal", customerId = customer.Id() }, HttpStatusCode.Created);
        await tenant.Admin.PostJsonAsync($"/api/v1/opportunities/{closed.Id()}/won", new { }, HttpStatusCode.OK);

        Assert.Equal(60, open.GetProperty("probability").GetInt32());
        Assert.Equal([closed.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/opportunities?status=won")).Ids());
        Assert.Equal([open.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/opportunities?stageKey=proposal")).Ids());
        Assert.Equal([open.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/opportunities?q=platform")).Ids());
    }
}
