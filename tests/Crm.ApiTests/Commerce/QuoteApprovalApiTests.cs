using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Commerce;

/// <summary>
/// Quotes under approval through HTTP: a quote a flow fits goes to the customer only once approved; one no flow fits
/// (or with quote approval switched off) is sent straight from draft.
/// </summary>
public sealed class QuoteApprovalApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private sealed record Setup(TestTenant Tenant, string CustomerId, string ProductId, string ApproverId, HttpClient Approver);

    /// <summary>A product at 100 (13% tax) and a flow for quotes above 1,000 gross, approved by one member.</summary>
    private async Task<Setup> SetupAsync()
    {
        var tenant = await app.NewTenantAsync();
        var product = await tenant.Admin.PostJsonAsync("/api/v1/products", new { code = "KIT", name = "Kit", listPrice = 100m, taxRate = 13m }, HttpStatusCode.Created);
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        var (approverId, approver) = await tenant.NewMemberAsync(null, null);
        await tenant.Admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "Large quotes", documentType = "quote",
            conditions = new[] { new { field = "amount", @operator = "gt", amount = 1000m } },
            steps = new[] { new { name = "Sales director", approvers = new { kind = "users", userIds = new[] { approverId } } } },
        }, HttpStatusCode.Created);
        return new Setup(tenant, customer.Id(), product.Id(), approverId, approver);
    }

    private static Task<JsonElement> QuoteAsync(HttpClient client, Setup s, decimal quantity, string? validUntil = null) =>
        client.PostJsonAsync("/api/v1/quotes", new { name = "Kits", customerId = s.CustomerId, validUntil, lines = new[] { new { productId = s.ProductId, quantity } } },
            HttpStatusCode.Created);

    private static Task<HttpResponseMessage> StageAsync(HttpClient client, string quoteId, string stage) =>
        client.PostAsJsonAsync($"/api/v1/quotes/{quoteId}/stage", new { stage });

    private static async Task WaitForInboxAsync(HttpClient approver, string quoteId) =>
        await Http.EventuallyAsync(async () => (await approver.GetJsonAsync("/api/v1/approvals/inbox")).Items(),
            items => items.Any(a => a.Str("documentId") == quoteId));

    [Fact]
    public async Task AQuoteAFlowFitsIsSentOnlyOnceApprovedAndARejectionSendsItBackToDraft()
    {
        var s = await SetupAsync();
        var admin = s.Tenant.Admin;
        var quote = await QuoteAsync(admin, s, 20m); // 2,260 gross
        var url = $"/api/v1/quotes/{quote.Id()}";

        await (await StageAsync(admin, quote.Id(), "sent")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.approval_required");
        await (await StageAsync(admin, quote.Id(), "inReview")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_by_approval");
        await (await StageAsync(admin, quote.Id(), "approved")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_by_approval");
        Assert.Equal("draft", (await admin.GetJsonAsync(url)).Str("stage"));

        var submitted = await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", submitted.Str("outcome"));
        Assert.Equal(2260m, submitted.GetProperty("facts").GetProperty("amount").GetDecimal());
        var inReview = await admin.GetJsonAsync(url);
        Assert.Equal("inReview", inReview.Str("stage"));
        Assert.Equal(submitted.Id(), inReview.Str("approvalId"));
        await (await admin.PatchJsonAsync(url, new { name = "Changed" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.not_editable");
        await (await StageAsync(admin, quote.Id(), "draft")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_by_approval");
        await (await StageAsync(admin, quote.Id(), "sent")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_by_approval");

        await WaitForInboxAsync(s.Approver, quote.Id());
        await (await s.Approver.PostAsJsonAsync($"{url}/approval/reject", new { comment = "Discount too deep for this customer" })).ExpectAsync(HttpStatusCode.OK);
        var back = await Http.EventuallyAsync(() => admin.GetJsonAsync(url), q => q.Str("stage") == "draft");
        Assert.Equal("Discount too deep for this customer", back.GetProperty("stageHistory").EnumerateArray().Last().Str("reason"));

        // Edited as a draft again (still large) and resubmitted: approved, it is no longer edited, and then it is sent.
        var etag = (await admin.GetAsync(url)).Headers.ETag!.Tag;
        await (await admin.PatchJsonAsync(url, new { lines = new[] { new { productId = s.ProductId, quantity = 15m } } }, etag)).ExpectAsync(HttpStatusCode.OK);
        var again = await (await admin.PostAsync($"{url}/approval/resubmit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1695m, again.GetProperty("facts").GetProperty("amount").GetDecimal());
        await WaitForInboxAsync(s.Approver, quote.Id());
        await (await s.Approver.PostAsJsonAsync($"{url}/approval/approve", new { comment = "OK" })).ExpectAsync(HttpStatusCode.OK);
        var approved = await Http.EventuallyAsync(() => admin.GetJsonAsync(url), q => q.Str("stage") == "approved");
        Assert.Equal(again.Id(), approved.Str("approvalId"));
        await (await admin.PatchJsonAsync(url, new { name = "Changed" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.not_editable");
        await (await StageAsync(admin, quote.Id(), "accepted")).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_invalid");

        var sent = await (await StageAsync(admin, quote.Id(), "sent")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["draft", "inReview", "draft", "inReview", "approved", "sent"], sent.GetProperty("stageHistory").EnumerateArray().Select(h => h.Str("to")));
        var history = (await admin.GetJsonAsync($"{url}/approval")).Items();
        Assert.Equal(["approved", "rejected"], history.Select(a => a.Str("outcome")));
        var audit = (await admin.GetJsonAsync($"/api/v1/audit-logs?recordType=quote&recordId={quote.Id()}")).Items();
        Assert.Contains(audit, e => e.Str("activity") == "approved" && e.Str("actorId") == s.ApproverId);
        Assert.Contains(audit, e => e.Str("activity") == "rejected" && e.Str("actorId") == s.ApproverId);
    }

    [Fact]
    public async Task AQuoteNoFlowFitsGoesStraightOutAndAWithdrawnOneIsADraftAgain()
    {
        var s = await SetupAsync();
        var admin = s.Tenant.Admin;
        var small = await QuoteAsync(admin, s, 2m); // 226 gross: no flow fits
        Assert.Equal("sent", (await (await StageAsync(admin, small.Id(), "sent")).ExpectAsync(HttpStatusCode.OK)).Str("stage"));

        // Submitting one no flow fits approves it at once (audited as approved by the submitter).
        var other = await QuoteAsync(admin, s, 3m);
        var atOnce = await (await admin.PostAsync($"/api/v1/quotes/{other.Id()}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("noFlow", atOnce.Str("approvedAtOnce"));
        Assert.Equal("approved", (await admin.GetJsonAsync($"/api/v1/quotes/{other.Id()}")).Str("stage"));
        // An approved quote may go back to draft for changes; it then needs approval again where a flow fits.
        Assert.Equal("draft", (await (await StageAsync(admin, other.Id(), "draft")).ExpectAsync(HttpStatusCode.OK)).Str("stage"));

        var large = await QuoteAsync(admin, s, 50m);
        var url = $"/api/v1/quotes/{large.Id()}";
        await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_invalid");
        await WaitForInboxAsync(s.Approver, large.Id());
        var withdrawn = await (await admin.PostAsync($"{url}/approval/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("withdrawn", withdrawn.Str("outcome"));
        await Http.EventuallyAsync(() => admin.GetJsonAsync(url), q => q.Str("stage") == "draft");
        await Http.EventuallyAsync(async () => (await s.Approver.GetJsonAsync("/api/v1/approvals/inbox")).Items(), items => items.All(a => a.Str("documentId") != large.Id()));

        // Switched off for quotes: a large quote goes out straight from draft, and submitting approves at once.
        await (await admin.PatchJsonAsync("/api/v1/settings/approvals", new { switchedOff = new[] { "quote" } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("sent", (await (await StageAsync(admin, large.Id(), "sent")).ExpectAsync(HttpStatusCode.OK)).Str("stage"));
        var another = await QuoteAsync(admin, s, 50m);
        var off = await (await admin.PostAsync($"/api/v1/quotes/{another.Id()}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("switchedOff", off.Str("approvedAtOnce"));
    }

    [Fact]
    public async Task AQuoteThatCannotGoOutIsNotSubmittedAndNothingIsWritten()
    {
        var s = await SetupAsync();
        var admin = s.Tenant.Admin;
        var expired = await QuoteAsync(admin, s, 20m, validUntil: "2020-01-31");
        await (await admin.PostAsync($"/api/v1/quotes/{expired.Id()}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.expired");
        var empty = await admin.PostJsonAsync("/api/v1/quotes", new { name = "Empty", customerId = s.CustomerId }, HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/v1/quotes/{empty.Id()}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.no_lines");
        foreach (var id in new[] { expired.Id(), empty.Id() })
        {
            var quote = await admin.GetJsonAsync($"/api/v1/quotes/{id}");
            Assert.Equal("draft", quote.Str("stage"));
            Assert.Equal(JsonValueKind.Null, quote.GetProperty("approvalId").ValueKind);
            Assert.Empty((await admin.GetJsonAsync($"/api/v1/quotes/{id}/approval")).Items());
        }

        // A rep without edit rights on quotes neither submits nor moves one.
        var (_, viewer) = await s.Tenant.NewMemberAsync(null, null);
        var quoteId = (await QuoteAsync(admin, s, 20m)).Id();
        await (await viewer.PostAsync($"/api/v1/quotes/{quoteId}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await admin.PostAsync("/api/v1/quotes/01aaaaaaaaaaaaaaaaaaaaaaaa/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "quote.not_found");
    }
}
