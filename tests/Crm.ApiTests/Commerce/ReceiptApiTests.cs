using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using static Crm.ApiTests.Commerce.PaymentPlanSetup;

namespace Crm.ApiTests.Commerce;

/// <summary>Receipts (回款) through HTTP: recorded against a contract, counted on its payment summary only once approved, voided out again.</summary>
public sealed class ReceiptApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static object Receipt(ActiveContract c, decimal amount, DateOnly? on = null, string? installmentId = null, string? payer = "Buyer Ltd") =>
        new { contractId = c.ContractId, amount, receivedOn = (on ?? TenantToday()).ToString("yyyy-MM-dd"), installmentId, method = "bankTransfer", payer, reference = "BK-" + Api.Stamp() };

    private static Task<JsonElement> RecordAsync(HttpClient client, ActiveContract c, decimal amount, string? installmentId = null) =>
        client.PostJsonAsync("/api/v1/receipts", Receipt(c, amount, installmentId: installmentId), HttpStatusCode.Created);

    private static async Task<JsonElement> PaymentsAsync(HttpClient client, ActiveContract c) => await client.GetJsonAsync($"{c.Url}/payments");

    private static Task<JsonElement> ReceiptFlowAsync(TestTenant tenant, string approverId) =>
        tenant.Admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "Finance checks receipts " + Api.Stamp(), documentType = "receipt",
            steps = new[] { new { name = "Finance", approvers = new { kind = "users", userIds = new[] { approverId } } } },
        }, HttpStatusCode.Created);

    /// <summary>The orchestration opens the step in the background: wait until the approver may decide.</summary>
    private static async Task WaitForInboxAsync(HttpClient approver, string receiptId) =>
        await Http.EventuallyAsync(async () => (await approver.GetJsonAsync("/api/v1/approvals/inbox")).Items(),
            items => items.Any(a => a.Str("documentId") == receiptId));

    [Fact]
    public async Task AReceiptCountsOnItsContractOnlyOnceApprovedAndStopsWhenVoided()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var (financeId, finance) = await tenant.NewMemberAsync(null, null);
        await ReceiptFlowAsync(tenant, financeId);
        var c = await ActiveContractAsync(admin);
        var plan = await (await admin.SendAsync(HttpMethod.Put, $"{c.Url}/payment-plan", JsonSerializer.Serialize(new
        {
            installments = new[] { new { number = 1, plannedAmount = 500m, plannedDate = TenantToday().AddDays(-3).ToString("yyyy-MM-dd") },
                new { number = 2, plannedAmount = 630m, plannedDate = TenantToday().AddDays(30).ToString("yyyy-MM-dd") } },
        }), [("If-Match", "\"none\"")])).ExpectAsync(HttpStatusCode.OK);
        var first = plan.GetProperty("installments")[0].Id();

        var receipt = await RecordAsync(admin, c, 500m, first);
        Assert.Equal("draft", receipt.Str("status"));
        Assert.Equal(c.CustomerId, receipt.Str("customerId"));
        Assert.Equal("CNY", receipt.Str("currency"));
        var url = $"/api/v1/receipts/{receipt.Id()}";
        // A draft counts for nothing: installment 1 stays overdue.
        Assert.Equal(500m, (await PaymentsAsync(admin, c)).Dec("overdue"));

        var submitted = await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", submitted.Str("outcome"));
        Assert.Equal(500m, submitted.GetProperty("facts").GetProperty("amount").GetDecimal());
        Assert.Equal("pendingApproval", (await admin.GetJsonAsync(url)).Str("status"));
        Assert.Equal(0m, (await PaymentsAsync(admin, c)).Dec("received"));
        await (await admin.PatchJsonAsync(url, new { payer = "Someone else" })).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.not_editable");
        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.not_deletable");

        await WaitForInboxAsync(finance, receipt.Id());
        var approved = await (await finance.PostAsJsonAsync($"{url}/approval/approve", new { comment = "On the statement" })).ExpectAsync(HttpStatusCode.OK);
        Assert.True(approved.GetProperty("settled").GetBoolean());
        var stored = await admin.GetJsonAsync(url);
        Assert.Equal("approved", stored.Str("status"));
        Assert.Equal(approved.Id(), stored.Str("approvalId"));
        var payments = await PaymentsAsync(admin, c);
        Assert.Equal(500m, payments.Dec("received"));
        Assert.Equal(630m, payments.Dec("outstanding"));
        Assert.Equal(0m, payments.Dec("overdue"));
        Assert.Equal(1, payments.GetProperty("receiptCount").GetInt32());
        Assert.Equal("received", payments.GetProperty("installments")[0].Str("status"));
        // Counted with the approval: the plan cannot now cut installment 1 below what it received.
        var planETag = (await admin.GetAsync($"{c.Url}/payment-plan")).Headers.ETag!.Tag;
        await (await admin.SendAsync(HttpMethod.Put, $"{c.Url}/payment-plan", JsonSerializer.Serialize(new
        {
            installments = new[] { new { id = first, number = 1, plannedAmount = 400m, plannedDate = TenantToday().ToString("yyyy-MM-dd") } },
        }), [("If-Match", planETag)])).ExpectProblemAsync(HttpStatusCode.Conflict, "paymentPlan.installment_received");

        // Voiding: a reason, the version read, and the summary gives the money back in the same write.
        await (await admin.PostAsJsonAsync($"{url}/void", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.reason_required");
        await (await admin.SendAsync(HttpMethod.Post, $"{url}/void", JsonSerializer.Serialize(new { reason = "Bank returned it" }), [("If-Match", "\"stale\"")]))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        Assert.Equal(500m, (await PaymentsAsync(admin, c)).Dec("received"));
        var etag = (await admin.GetAsync(url)).Headers.ETag!.Tag;
        var voided = await (await admin.SendAsync(HttpMethod.Post, $"{url}/void", JsonSerializer.Serialize(new { reason = "Bank returned it" }), [("If-Match", etag)]))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("voided", voided.Str("status"));
        Assert.Equal("Bank returned it", voided.Str("voidReason"));
        var after = await PaymentsAsync(admin, c);
        Assert.Equal(0m, after.Dec("received"));
        Assert.Equal(500m, after.Dec("overdue"));
        await (await admin.PostAsJsonAsync($"{url}/void", new { reason = "Again" })).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.status_invalid");
        Assert.Equal(["draft", "pendingApproval", "approved", "voided"],
            (await admin.GetJsonAsync(url)).GetProperty("statusHistory").EnumerateArray().Select(s => s.Str("to")));

        var audit = (await admin.GetJsonAsync($"/api/v1/audit-logs?recordType=receipt&recordId={receipt.Id()}")).Items();
        Assert.Contains(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "approved" && e.Str("actorId") == financeId);
        Assert.Contains(audit, e => e.TryGetProperty("activity", out var a) && a.GetString() == "voided");
    }

    [Fact]
    public async Task ARejectedReceiptCountsForNothingIsEditedAndResubmitted()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var (financeId, finance) = await tenant.NewMemberAsync(null, null);
        await ReceiptFlowAsync(tenant, financeId);
        var c = await ActiveContractAsync(admin);
        var receipt = await RecordAsync(admin, c, 300m);
        var url = $"/api/v1/receipts/{receipt.Id()}";
        await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        // The 300 awaiting approval is held against the total: a receipt for the rest but 1 fits, one for all of it does not.
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, ContractTotal - 300m + 0.01m))).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.exceeds_contract");
        await RecordAsync(admin, c, ContractTotal - 300m);
        await WaitForInboxAsync(finance, receipt.Id());

        await (await finance.PostAsJsonAsync($"{url}/approval/reject", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "approval.comment_required");
        await (await finance.PostAsJsonAsync($"{url}/approval/reject", new { comment = "Not on the statement: 3,000?" })).ExpectAsync(HttpStatusCode.OK);
        var rejected = await Http.EventuallyAsync(() => admin.GetJsonAsync(url), r => r.Str("status") == "rejected");
        Assert.Equal("Not on the statement: 3,000?", rejected.GetProperty("statusHistory").EnumerateArray().Last().Str("reason"));
        Assert.Equal(0m, (await PaymentsAsync(admin, c)).Dec("received"));

        var etag = (await admin.GetAsync(url)).Headers.ETag!.Tag;
        await (await admin.PatchJsonAsync(url, new { amount = 1000m }, etag)).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"{url}/approval/resubmit", null)).ExpectAsync(HttpStatusCode.OK);
        await WaitForInboxAsync(finance, receipt.Id());
        await (await finance.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1000m, (await Http.EventuallyAsync(() => PaymentsAsync(admin, c), p => p.Dec("received") > 0)).Dec("received"));
        Assert.Equal(2, (await admin.GetJsonAsync($"{url}/approval")).Items().Count);
    }

    [Fact]
    public async Task BadReceiptsAreRefusedAndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);
        var draft = await DraftContractAsync(admin);

        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(draft, 10m))).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.contract_not_active");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, 10m, TenantToday().AddDays(2)))).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.future_date");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, 10.001m))).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.invalid_amount");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, 0m))).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.invalid_amount");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, 10m, installmentId: "01aaaaaaaaaaaaaaaaaaaaaaaa")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "paymentPlan.installment_not_found");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c with { ContractId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }, 10m)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.contract_not_found");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", Receipt(c, ContractTotal + 0.01m))).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.exceeds_contract");
        await (await admin.PostAsJsonAsync("/api/v1/receipts", new { contractId = c.ContractId, amount = 10m })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/receipts")).Items());

        // Without a receipt flow submitting approves at once; the second receipt then finds the contract's total taken.
        var whole = await RecordAsync(admin, c, ContractTotal);
        var late = await RecordAsync(admin, c, 1m);
        var approved = await (await admin.PostAsync($"/api/v1/receipts/{whole.Id()}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("noFlow", approved.Str("approvedAtOnce"));
        var lateUrl = $"/api/v1/receipts/{late.Id()}";
        var before = await admin.GetJsonAsync(lateUrl);
        await (await admin.PostAsync($"{lateUrl}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.exceeds_contract");
        await (await admin.PatchJsonAsync(lateUrl, new { status = "approved" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.field_by_action");
        await (await admin.PatchJsonAsync(lateUrl, new { contractId = draft.ContractId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.contract_fixed");
        await (await admin.PatchJsonAsync(lateUrl, new { receivedOn = TenantToday().AddDays(5).ToString("yyyy-MM-dd") })).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.future_date");
        Assert.Equal(before.GetRawText(), (await admin.GetJsonAsync(lateUrl)).GetRawText());
        await (await admin.PostAsJsonAsync($"{lateUrl}/void", new { reason = "Never approved" })).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.status_invalid");
        await (await admin.DeleteAsync($"/api/v1/receipts/{whole.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "receipt.not_deletable");
        await (await admin.DeleteAsync(lateUrl)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(ContractTotal, (await PaymentsAsync(admin, c)).Dec("received"));
    }

    [Fact]
    public async Task ReceiptsApprovedAtOnceTogetherAreEachCountedOnce()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);
        var receipts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RecordAsync(admin, c, 100m)));
        // Eight approvals at once (no flow: approved at submission), each moving the one summary row under its ETag, a repeat among them.
        var answers = await Task.WhenAll(receipts.Select(r => admin.PostAsync($"/api/v1/receipts/{r.Id()}/approval/submit", null))
            .Append(admin.PostAsync($"/api/v1/receipts/{receipts[0].Id()}/approval/submit", null)));
        Assert.Equal(8, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var payments = await PaymentsAsync(admin, c);
        Assert.Equal(800m, payments.Dec("received"));
        Assert.Equal(8, payments.GetProperty("receiptCount").GetInt32());
        Assert.All((await admin.GetJsonAsync($"/api/v1/receipts?contractId={c.ContractId}")).Items(), r => Assert.Equal("approved", r.Str("status")));
    }

    [Fact]
    public async Task ARepSeesAndRecordsReceiptsOnlyOnContractsInTheirScope()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await tenant.NewMemberAsync(null, null,
            await app.CreateRoleAsync(tenant, Crm.Domain.Access.DataScope.Self, ["contracts.view", "receipts.view", "receipts.create", "receipts.edit"]));
        var theirs = await ActiveContractAsync(tenant.Admin, repId);
        var others = await ActiveContractAsync(tenant.Admin);
        await RecordAsync(rep, theirs, 10m);
        await (await rep.PostAsJsonAsync("/api/v1/receipts", Receipt(others, 10m))).ExpectProblemAsync(HttpStatusCode.BadRequest, "receipt.contract_not_found");
        var foreign = await RecordAsync(tenant.Admin, others, 10m);
        await (await rep.GetAsync($"/api/v1/receipts/{foreign.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "receipt.not_found");
        await (await rep.PostAsync($"/api/v1/receipts/{foreign.Id()}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "receipt.not_found");
        Assert.Single((await rep.GetJsonAsync("/api/v1/receipts")).Items());
    }
}
