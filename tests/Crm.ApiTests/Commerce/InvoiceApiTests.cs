using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.Domain.Access;
using static Crm.ApiTests.Commerce.PaymentPlanSetup;

namespace Crm.ApiTests.Commerce;

/// <summary>Invoices through HTTP: against a contract in effect, the buyer's details, issue and void, and never more than the contract.</summary>
public sealed class InvoiceApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    private static object Special(ActiveContract c, decimal amount, string? taxNumber = "91310000MA1FL8XQ3B") => new
    {
        customerId = c.CustomerId, contractId = c.ContractId, title = "上海某某科技有限公司", taxNumber, bankName = "招商银行上海分行", bankAccount = "6214 8301 2345 6789",
        address = "上海市浦东新区世纪大道 100 号", phone = "021-5555 0101", amount, type = "specialVat",
    };

    private static async Task<decimal> InvoicedAsync(HttpClient client, ActiveContract c) =>
        (await client.GetJsonAsync($"{c.Url}/payments")).Dec("invoiced");

    [Fact]
    public async Task AnInvoiceIsRequestedAgainstAContractInEffectThenIssuedOrVoided()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);
        var draft = await DraftContractAsync(admin);

        async Task Bad(object body, HttpStatusCode status, string code, params string[] fields)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/invoices", body)).ExpectProblemAsync(status, code);
            Assert.All(fields, f => Assert.Contains(f, problem.ErrorFields()));
        }
        await Bad(new { customerId = c.CustomerId, contractId = Missing, title = "Buyer", amount = 100m }, HttpStatusCode.BadRequest, "invoice.contract_not_found", "contractId");
        await Bad(new { customerId = draft.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 100m }, HttpStatusCode.BadRequest, "invoice.contract_other_customer", "customerId");
        await Bad(new { customerId = draft.CustomerId, contractId = draft.ContractId, title = "Buyer", amount = 100m }, HttpStatusCode.Conflict, "invoice.contract_not_active");
        await Bad(new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 0m }, HttpStatusCode.BadRequest, "invoice.invalid_amount", "amount");
        await Bad(new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 100.001m }, HttpStatusCode.BadRequest, "invoice.invalid_amount", "amount");
        await Bad(new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 100m, type = "specialVat", taxNumber = "91310000MA1FL8XQ3B" },
            HttpStatusCode.BadRequest, "invoice.buyer_incomplete", "bankName", "bankAccount", "address", "phone");
        await Bad(Special(c, 100m, taxNumber: "not-a-tax-no"), HttpStatusCode.BadRequest, "invoice.buyer_incomplete", "taxNumber");
        await Bad(new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 100m, colour = "red" }, HttpStatusCode.BadRequest, "validation.failed");
        await Bad(new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 100m, type = "golden" }, HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/invoices")).Items());

        var invoice = await admin.PostJsonAsync("/api/v1/invoices", Special(c, 1000m, taxNumber: "91310000ma1fl8xq3b "), HttpStatusCode.Created);
        Assert.Equal("requested", invoice.Str("status"));
        Assert.Equal("CNY", invoice.Str("currency"));
        Assert.Equal("91310000MA1FL8XQ3B", invoice.Str("taxNumber"));
        Assert.Equal(tenant.AdminUserId, invoice.Str("ownerId"));
        var url = $"/api/v1/invoices/{invoice.Id()}";
        Assert.Equal(1000m, await InvoicedAsync(admin, c));
        Assert.Equal([invoice.Id()], (await admin.GetJsonAsync($"/api/v1/invoices?contractId={c.ContractId}")).Ids());

        // Only 130 of the contract is left to invoice.
        var over = await (await admin.PostAsJsonAsync("/api/v1/invoices", Special(c, 130.01m))).ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.exceeds_contract");
        Assert.Equal(130m, over.GetProperty("open").GetDecimal());

        // A requested invoice is edited, but keeps its contract and amount; the actions' fields are theirs.
        var edited = await (await admin.PatchJsonAsync(url, new { title = "上海某某科技有限公司 (总部)", note = "Post to finance" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Post to finance", edited.Str("note"));
        await (await admin.PatchJsonAsync(url, new { amount = 900m })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.amount_fixed");
        await (await admin.PatchJsonAsync(url, new { contractId = draft.ContractId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.contract_fixed");
        await (await admin.PatchJsonAsync(url, new { status = "issued" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.field_by_action");
        await (await admin.PatchJsonAsync(url, new { bankName = (string?)null })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.buyer_incomplete");

        // Issued with the tax system's number; then fixed.
        await (await admin.PostAsJsonAsync($"{url}/issue", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var issued = await (await admin.PostAsJsonAsync($"{url}/issue", new { invoiceNumber = "24312000000012345678", issuedOn = "2026-12-07" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("issued", issued.Str("status"));
        Assert.Equal("24312000000012345678", issued.Str("invoiceNumber"));
        Assert.Equal("2026-12-07", issued.Str("issuedOn"));
        Assert.Equal(["requested", "issued"], issued.GetProperty("statusHistory").EnumerateArray().Select(h => h.Str("to")));
        await (await admin.PatchJsonAsync(url, new { note = "Late" })).ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.not_editable");
        await (await admin.PostAsJsonAsync($"{url}/issue", new { invoiceNumber = "1" })).ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.status_invalid");
        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.not_deletable");

        // A tax-system number is recorded once; another invoice issued under it is refused.
        var second = await admin.PostJsonAsync("/api/v1/invoices", new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 130m }, HttpStatusCode.Created);
        Assert.Equal("ordinary", second.Str("type"));
        await (await admin.PostAsJsonAsync($"/api/v1/invoices/{second.Id()}/issue", new { invoiceNumber = "24312000000012345678" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.duplicate_number");
        Assert.Equal(ContractTotal, await InvoicedAsync(admin, c));

        // Voiding needs a reason and gives the amount back to the contract.
        await (await admin.PostAsJsonAsync($"{url}/void", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.reason_required");
        var voided = await (await admin.PostAsJsonAsync($"{url}/void", new { reason = "Wrong bank account" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("voided", voided.Str("status"));
        Assert.Equal("Wrong bank account", voided.Str("voidReason"));
        await (await admin.PostAsJsonAsync($"{url}/void", new { reason = "Again" })).ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.status_invalid");
        Assert.Equal(130m, await InvoicedAsync(admin, c));
        await admin.PostJsonAsync("/api/v1/invoices", Special(c, 1000m), HttpStatusCode.Created);
        Assert.Equal(ContractTotal, await InvoicedAsync(admin, c));

        // A requested invoice is voided too (a request withdrawn); a completed contract is still invoiced.
        var withdrawn = await (await admin.PostAsJsonAsync($"/api/v1/invoices/{second.Id()}/void", new { reason = "Customer paid cash" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("voided", withdrawn.Str("status"));
        await (await admin.PostAsync($"{c.Url}/complete", null)).ExpectAsync(HttpStatusCode.OK);
        await admin.PostJsonAsync("/api/v1/invoices", new { customerId = c.CustomerId, contractId = c.ContractId, title = "Buyer", amount = 130m }, HttpStatusCode.Created);
        Assert.Equal(ContractTotal, await InvoicedAsync(admin, c));
    }

    [Fact]
    public async Task ARepRequestsInvoicesOfContractsInSightButOnlyFinanceIssuesOrVoids()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var (repId, _, rep) = await tenant.NewUserWithRolesAsync(await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesRep));
        var mine = await ActiveContractAsync(admin, repId);
        var others = await ActiveContractAsync(admin);

        var invoice = await rep.PostJsonAsync("/api/v1/invoices", new { customerId = mine.CustomerId, contractId = mine.ContractId, title = "Buyer", amount = 500m }, HttpStatusCode.Created);
        Assert.Equal(repId, invoice.Str("ownerId"));
        await (await rep.PostAsJsonAsync("/api/v1/invoices", new { customerId = others.CustomerId, contractId = others.ContractId, title = "Buyer", amount = 1m }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invoice.contract_not_found");
        await (await rep.PostAsJsonAsync($"/api/v1/invoices/{invoice.Id()}/issue", new { invoiceNumber = "A-1" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PostAsJsonAsync($"/api/v1/invoices/{invoice.Id()}/void", new { reason = "Oops" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        // The admin's invoice is out of the rep's sight.
        var hidden = await admin.PostJsonAsync("/api/v1/invoices", new { customerId = others.CustomerId, contractId = others.ContractId, title = "Buyer", amount = 1m }, HttpStatusCode.Created);
        await rep.GetJsonAsync($"/api/v1/invoices/{hidden.Id()}", HttpStatusCode.NotFound);
        Assert.Equal([invoice.Id()], (await rep.GetJsonAsync("/api/v1/invoices")).Ids());

        var (_, manager) = await tenant.NewMemberAsync(null, null, await tenant.BuiltInRoleIdAsync(BuiltInRoles.SalesManager));
        Assert.Equal("issued", (await (await manager.PostAsJsonAsync($"/api/v1/invoices/{invoice.Id()}/issue", new { invoiceNumber = "A-1" })).ExpectAsync(HttpStatusCode.OK)).Str("status"));
    }

    [Fact]
    public async Task RequestsAtOnceNeverInvoiceMoreThanTheContract()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await ActiveContractAsync(admin);

        // 1,130 holds three invoices of 300: of ten requests at once, three pass and seven are refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            admin.PostAsJsonAsync("/api/v1/invoices", new { customerId = c.CustomerId, contractId = c.ContractId, title = $"Buyer {i}", amount = 300m })));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "invoice.exceeds_contract");
        }
        Assert.Equal(900m, await InvoicedAsync(admin, c));
        Assert.Equal(3, (await admin.GetJsonAsync($"/api/v1/invoices?contractId={c.ContractId}")).Items().Count);
    }
}
