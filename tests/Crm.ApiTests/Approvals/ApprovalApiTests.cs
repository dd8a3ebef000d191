using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using Crm.Platform.Approvals;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Approvals;

/// <summary>Approvals through HTTP, run by their orchestrations on Azurite: steps, inboxes, races, withdrawal, the switch, reminders and escalation.</summary>
public sealed class ApprovalApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] SalesRights = ["customers.view", "customers.create", "contracts.view", "contracts.create", "contracts.edit", "products.view"];

    private sealed record Office(TestTenant Tenant, string RepId, HttpClient Rep, string ProductId);

    private async Task<Office> OfficeAsync(string? superiorId = null)
    {
        var tenant = await app.NewTenantAsync();
        var product = await tenant.Admin.PostJsonAsync("/api/v1/products", new { code = "DRL", name = "Drill", listPrice = 100m, taxRate = 0m }, HttpStatusCode.Created);
        var (repId, rep) = await tenant.NewMemberAsync(null, superiorId, await app.CreateRoleAsync(tenant, DataScope.Self, SalesRights));
        return new Office(tenant, repId, rep, product.Id());
    }

    private static async Task<string> ContractAsync(Office office, decimal quantity = 10m)
    {
        var customer = await office.Rep.CreateCustomerAsync(SalesSetup.Unique("Buyer"), office.RepId);
        var contract = await office.Rep.PostJsonAsync("/api/v1/contracts", new
        {
            name = "Supply", customerId = customer.Id(), lines = new[] { new { productId = office.ProductId, quantity } },
        }, HttpStatusCode.Created);
        return $"/api/v1/contracts/{contract.Id()}";
    }

    private static Task<JsonElement> FlowAsync(TestTenant tenant, params object[] steps) =>
        tenant.Admin.PostJsonAsync("/api/v1/approval-flows", new { name = "Flow " + Api.Stamp(), documentType = "contract", steps }, HttpStatusCode.Created);

    private static object Users(string name, params string[] ids) => new { name, approvers = new { kind = "users", userIds = ids } };

    private static async Task<IReadOnlyList<JsonElement>> InboxAsync(HttpClient client) => (await client.GetJsonAsync("/api/v1/approvals/inbox")).Items();

    /// <summary>The orchestration starts the next step in the background: wait for it to reach the user's inbox.</summary>
    private static async Task<JsonElement> ArrivesAsync(HttpClient client, string contractUrl)
    {
        for (var i = 0; i < 150; i++)
        {
            var items = await InboxAsync(client);
            if (items.FirstOrDefault(a => contractUrl.EndsWith(a.Str("documentId"), StringComparison.Ordinal)) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"The approval of {contractUrl} never reached the inbox.");
    }

    private static async Task<IReadOnlyList<string>> NoticesAsync(HttpClient client) =>
        [.. (await client.GetJsonAsync("/api/v1/notifications")).Items().Select(n => n.Str("kind"))];

    [Fact]
    public async Task ATwoStepFlowGoesFromTheSubmittersSuperiorToAllOfFinanceThroughTheirInboxes()
    {
        var tenant = await app.NewTenantAsync();
        var (managerId, manager) = await tenant.NewMemberAsync(null, null);
        var (financeAId, financeA) = await tenant.NewMemberAsync(null, null);
        var (financeBId, financeB) = await tenant.NewMemberAsync(null, null);
        var product = await tenant.Admin.PostJsonAsync("/api/v1/products", new { code = "DRL", name = "Drill", listPrice = 100m }, HttpStatusCode.Created);
        var (repId, rep) = await tenant.NewMemberAsync(null, managerId, await app.CreateRoleAsync(tenant, DataScope.Self, SalesRights));
        var office = new Office(tenant, repId, rep, product.Id());
        await FlowAsync(tenant, new { name = "Manager", approvers = new { kind = "superior", levels = 1 } },
            new { name = "Finance", mode = "all", approvers = new { kind = "users", userIds = new[] { financeAId, financeBId } } });
        var url = await ContractAsync(office);

        var submitted = await (await rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([managerId], submitted.GetProperty("waiting").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal(1000m, submitted.GetProperty("facts").GetProperty("amount").GetDecimal());
        Assert.Equal("Manager", (await ArrivesAsync(manager, url)).GetProperty("steps")[0].Str("name"));
        Assert.Empty(await InboxAsync(financeA));
        // Finance has no right to contracts and takes no part yet: the approval is as unknown to it as the contract.
        await (await financeA.GetAsync($"{url}/approval")).ExpectProblemAsync(HttpStatusCode.NotFound, "contract.not_found");
        await (await rep.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "contract.status_invalid");

        var first = await (await manager.PostAsJsonAsync($"{url}/approval/approve", new { comment = "Fine by me" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", first.GetProperty("steps")[0].Str("outcome"));
        Assert.Equal("pending", first.Str("outcome"));
        await ArrivesAsync(financeA, url);
        await ArrivesAsync(financeB, url);
        Assert.Empty(await InboxAsync(manager));

        var half = await (await financeA.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", half.Str("outcome"));
        Assert.Equal([financeBId], half.GetProperty("waiting").EnumerateArray().Select(w => w.GetString()));
        // The same decision again (a retried request) changes nothing; a different one is refused.
        Assert.Equal(half.GetProperty("steps").GetRawText(), (await (await financeA.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK)).GetProperty("steps").GetRawText());
        await (await financeA.PostAsJsonAsync($"{url}/approval/reject", new { comment = "Changed my mind" })).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.step_closed");
        Assert.Equal("pendingApproval", (await rep.GetJsonAsync(url)).Str("status"));

        var done = await (await financeB.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", done.Str("outcome"));
        Assert.True(done.GetProperty("settled").GetBoolean());
        var contract = await rep.GetJsonAsync(url);
        Assert.Equal("active", contract.Str("status"));
        Assert.Equal(done.Id(), contract.Str("approvalId"));

        var history = (await rep.GetJsonAsync($"{url}/approval")).Items();
        var steps = Assert.Single(history).GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal("Fine by me", steps[0].GetProperty("seats")[0].GetProperty("decision").Str("comment"));
        Assert.Equal(new[] { financeAId, financeBId }.Order(StringComparer.Ordinal),
            steps[1].GetProperty("seats").EnumerateArray().Select(s => s.GetProperty("decision").Str("userId")).Order(StringComparer.Ordinal));
        // Taking part in an approval shows it, even without a right to contracts.
        Assert.Single((await financeA.GetJsonAsync($"{url}/approval")).Items());
        Assert.Contains("approval.approved", await NoticesAsync(rep));
        Assert.Contains("approval.requested", await NoticesAsync(manager));
        Assert.Contains("approval.requested", await NoticesAsync(financeB));

        var audit = (await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordType=contract&recordId={contract.Id()}")).Items();
        Assert.Contains(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "approved" && e.Str("actorId") == financeBId);
    }

    [Fact]
    public async Task OfTwoApproversActingAtOnceOnAnAnyOneStepExactlyOneCounts()
    {
        var office = await OfficeAsync();
        var (aId, a) = await office.Tenant.NewMemberAsync(null, null);
        var (bId, b) = await office.Tenant.NewMemberAsync(null, null);
        await FlowAsync(office.Tenant, Users("Either", aId, bId));
        for (var round = 0; round < 3; round++)
        {
            var url = await ContractAsync(office);
            await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
            var answers = await Task.WhenAll(a.PostAsync($"{url}/approval/approve", null), b.PostAsJsonAsync($"{url}/approval/reject", new { comment = "No" }));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(r => r.StatusCode).Order());
            await answers.Single(r => r.StatusCode == HttpStatusCode.Conflict).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.step_closed");
            var approval = Assert.Single((await office.Rep.GetJsonAsync($"{url}/approval")).Items());
            var decided = approval.GetProperty("steps")[0].GetProperty("seats").EnumerateArray().Where(s => s.GetProperty("decision").ValueKind == JsonValueKind.Object).ToList();
            var decision = Assert.Single(decided).GetProperty("decision");
            var status = (await office.Rep.GetJsonAsync(url)).Str("status");
            Assert.Equal(decision.GetProperty("approved").GetBoolean() ? "active" : "rejected", status);
        }
    }

    [Fact]
    public async Task TheSubmitterWithdrawsBeforeTheEndAndResubmitsAsANewApproval()
    {
        var office = await OfficeAsync();
        var (approverId, approver) = await office.Tenant.NewMemberAsync(null, null);
        await FlowAsync(office.Tenant, Users("Approver", approverId));
        var url = await ContractAsync(office);
        await (await office.Rep.PostAsync($"{url}/approval/resubmit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.nothing_to_resubmit");
        await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        await ArrivesAsync(approver, url);

        await (await approver.PostAsync($"{url}/approval/withdraw", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "approval.not_submitter");
        var withdrawn = await (await office.Rep.PostAsync($"{url}/approval/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.Str("outcome"));
        Assert.Equal("draft", (await office.Rep.GetJsonAsync(url)).Str("status"));
        Assert.Empty(await InboxAsync(approver));
        await (await approver.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.step_closed");
        await (await office.Rep.PostAsync($"{url}/approval/withdraw", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.step_closed");

        await (await office.Rep.PatchJsonAsync(url, new { name = "Supply, revised" })).ExpectAsync(HttpStatusCode.OK);
        var again = await (await office.Rep.PostAsync($"{url}/approval/resubmit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(withdrawn.Id(), again.Id());
        await (await approver.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", (await office.Rep.GetJsonAsync(url)).Str("status"));
        Assert.Equal(["approved", "withdrawn"], (await office.Rep.GetJsonAsync($"{url}/approval")).Items().Select(i => i.Str("outcome")));
    }

    [Fact]
    public async Task ATypeSwitchedOffOrADocumentNoFlowPicksIsApprovedAtOnce()
    {
        var office = await OfficeAsync();
        var admin = office.Tenant.Admin;
        Assert.Empty((await admin.GetJsonAsync("/api/v1/settings/approvals")).GetProperty("switchedOff").EnumerateArray());
        await (await admin.PatchJsonAsync("/api/v1/settings/approvals", new { switchedOff = new[] { "invoice" } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "approvalFlow.unknown_type");
        await (await office.Rep.PatchJsonAsync("/api/v1/settings/approvals", new { switchedOff = new[] { "contract" } })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        var (approverId, _) = await office.Tenant.NewMemberAsync(null, null);
        await admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "Large", documentType = "contract", conditions = new[] { new { field = "amount", @operator = "gt", amount = 5000m } },
            steps = new[] { Users("Approver", approverId) },
        }, HttpStatusCode.Created);

        var small = await ContractAsync(office, quantity: 10m);
        var atOnce = await (await office.Rep.PostAsync($"{small}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", atOnce.Str("outcome"));
        Assert.Equal("noFlow", atOnce.Str("approvedAtOnce"));
        Assert.Equal("active", (await office.Rep.GetJsonAsync(small)).Str("status"));

        var large = await ContractAsync(office, quantity: 100m);
        Assert.Equal("pending", (await (await office.Rep.PostAsync($"{large}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK)).Str("outcome"));

        await (await admin.PatchJsonAsync("/api/v1/settings/approvals", new { switchedOff = new[] { "contract" } })).ExpectAsync(HttpStatusCode.OK);
        var largeToo = await ContractAsync(office, quantity: 100m);
        var off = await (await office.Rep.PostAsync($"{largeToo}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("switchedOff", off.Str("approvedAtOnce"));
        Assert.Equal("active", (await office.Rep.GetJsonAsync(largeToo)).Str("status"));
        Assert.Equal("switchedOff", Assert.Single((await office.Rep.GetJsonAsync($"{largeToo}/approval")).Items()).Str("approvedAtOnce"));
        var audit = (await admin.GetJsonAsync($"/api/v1/audit-logs?recordType=contract&recordId={largeToo.Split('/')[^1]}")).Items();
        Assert.Contains(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "approved" && e.Str("actorId") == office.RepId);
    }

    [Fact]
    public async Task AnApprovalKeepsTheFlowItStartedWith()
    {
        var office = await OfficeAsync();
        var (firstId, first) = await office.Tenant.NewMemberAsync(null, null);
        var (secondId, second) = await office.Tenant.NewMemberAsync(null, null);
        var flow = await FlowAsync(office.Tenant, Users("Approver", firstId));
        var url = await ContractAsync(office);
        await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);

        await (await office.Tenant.Admin.PatchJsonAsync($"/api/v1/approval-flows/{flow.Id()}", new { steps = new[] { Users("Approver", secondId), Users("Second", firstId) } }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await second.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "approval.not_approver");
        var approved = await (await first.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", approved.Str("outcome"));
        Assert.Equal(1, approved.GetProperty("flowRevision").GetInt32());
        Assert.Single(approved.GetProperty("flowSteps").EnumerateArray());

        var next = await ContractAsync(office);
        var revised = await (await office.Rep.PostAsync($"{next}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, revised.GetProperty("flowRevision").GetInt32());
        Assert.Equal([secondId], revised.GetProperty("waiting").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task AWaitingStepRemindsItsApproversAndThenEscalatesToTheirSuperior()
    {
        var office = await OfficeAsync();
        var (bossId, boss) = await office.Tenant.NewMemberAsync(null, null);
        var (approverId, approver) = await office.Tenant.NewMemberAsync(null, bossId);
        await FlowAsync(office.Tenant, new { name = "Approver", approvers = new { kind = "users", userIds = new[] { approverId } }, remindAfterHours = 2, escalateAfterHours = 4 });
        var url = await ContractAsync(office);
        var submitted = await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        await ArrivesAsync(approver, url);

        // The orchestration's timers fire hours from now; its activity is what they run, at the time they fire.
        var progression = app.Services.GetRequiredService<ApprovalProgression>();
        var submittedAt = submitted.GetProperty("submittedAt").GetDateTimeOffset();
        var early = await progression.AdvanceAsync(office.Tenant.Id, submitted.Id(), submittedAt.AddHours(1), CancellationToken.None);
        Assert.Equal(submittedAt.AddHours(2), early.NextDue);
        Assert.DoesNotContain("approval.reminder", await NoticesAsync(approver));

        var reminded = await progression.AdvanceAsync(office.Tenant.Id, submitted.Id(), submittedAt.AddHours(3), CancellationToken.None);
        Assert.Equal(submittedAt.AddHours(4), reminded.NextDue);
        await progression.AdvanceAsync(office.Tenant.Id, submitted.Id(), submittedAt.AddHours(3), CancellationToken.None);
        Assert.Single(await NoticesAsync(approver), k => k == "approval.reminder");

        var escalated = await progression.AdvanceAsync(office.Tenant.Id, submitted.Id(), submittedAt.AddHours(5), CancellationToken.None);
        Assert.Null(escalated.NextDue);
        Assert.Contains("approval.escalated", await NoticesAsync(boss));
        Assert.Single(await InboxAsync(boss));
        var decided = await (await boss.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        var seat = decided.GetProperty("steps")[0].GetProperty("seats")[0];
        Assert.Equal(approverId, seat.Str("approverId"));
        Assert.Equal(bossId, seat.GetProperty("decision").Str("userId"));
        Assert.Equal(approverId, seat.GetProperty("decision").Str("onBehalfOf"));
        Assert.Equal("active", (await office.Rep.GetJsonAsync(url)).Str("status"));
    }

    [Fact]
    public async Task BadApprovalRequestsAreRefusedAndChangeNothing()
    {
        var office = await OfficeAsync();
        var (approverId, approver) = await office.Tenant.NewMemberAsync(null, null);
        await FlowAsync(office.Tenant, Users("Approver", approverId));
        var url = await ContractAsync(office);
        var (_, viewer) = await office.Tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(office.Tenant, DataScope.All, ["contracts.view"]));
        await (await viewer.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await approver.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "approval.not_found");
        await (await office.Rep.PostAsync("/api/v1/contracts/01aaaaaaaaaaaaaaaaaaaaaaaa/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "contract.not_found");
        await (await office.Rep.PostAsync($"{url}/approval/submit", JsonContent.Create(new { note = "x" }))).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await office.Rep.GetAsync("/api/v1/approvals/inbox?cursor=nope")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        await (await office.Rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        var before = (await office.Rep.GetJsonAsync($"{url}/approval")).GetRawText();
        await (await approver.PostAsJsonAsync($"{url}/approval/approve", new { comment = "ok", extra = 1 })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await approver.PostAsJsonAsync($"{url}/approval/approve", new { comment = new string('x', 2001) })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await approver.PostAsJsonAsync($"{url}/approval/approve", new { stepIndex = 3 })).ExpectProblemAsync(HttpStatusCode.Conflict, "approval.step_closed");
        await (await approver.PostAsJsonAsync($"{url}/approval/reject", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "approval.comment_required");
        await (await office.Rep.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "approval.not_approver");
        Assert.Equal(before, (await office.Rep.GetJsonAsync($"{url}/approval")).GetRawText());
        Assert.Equal("pendingApproval", (await office.Rep.GetJsonAsync(url)).Str("status"));
    }
}
