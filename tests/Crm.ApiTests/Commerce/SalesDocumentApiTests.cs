using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using UglyToad.PdfPig;

namespace Crm.ApiTests.Commerce;

/// <summary>Quotes and contracts through HTTP: pricing, numbering, stages, conversion, approval, amendments, and the customer's side of them.</summary>
public sealed class SalesDocumentApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    /// <summary>A customer with a default CNY price book holding a price for the first product only, and an off-shelf product.</summary>
    private sealed record Catalogue(string CustomerId, string BookId, string DrillId, string SawId, string InstallId, string OffShelfId);

    private static async Task<Catalogue> CatalogueAsync(HttpClient admin)
    {
        var drill = await admin.PostJsonAsync("/api/v1/products", new { code = "DRL", name = "电钻 Drill", listPrice = 199.99m, taxRate = 13m, unit = "pcs" }, HttpStatusCode.Created);
        var saw = await admin.PostJsonAsync("/api/v1/products", new { code = "SAW", name = "Saw", listPrice = 10m, taxRate = 6m }, HttpStatusCode.Created);
        var install = await admin.PostJsonAsync("/api/v1/services", new { code = "INS", name = "Install", listPrice = 50m, taxRate = 6m, unit = "hours" }, HttpStatusCode.Created);
        var off = await admin.PostJsonAsync("/api/v1/products", new { code = "OLD", name = "Old", listPrice = 1m, onShelf = false }, HttpStatusCode.Created);
        var book = await admin.PostJsonAsync("/api/v1/price-books", new
        {
            name = "Wholesale " + Api.Stamp(), currency = "CNY", prices = new[] { new { itemId = drill.Id(), price = 150.005m } },
        }, HttpStatusCode.Created);
        var customer = await admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        await (await admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { defaultPriceBookId = book.Id() })).ExpectAsync(HttpStatusCode.OK);
        return new Catalogue(customer.Id(), book.Id(), drill.Id(), saw.Id(), install.Id(), off.Id());
    }

    private static Task<JsonElement> QuoteAsync(HttpClient client, Catalogue c, object[]? lines = null) =>
        client.PostJsonAsync("/api/v1/quotes", new { name = "Workshop kit", customerId = c.CustomerId, lines = lines ?? [new { productId = c.DrillId, quantity = 3m }] },
            HttpStatusCode.Created);

    private static async Task<JsonElement> MoveAsync(HttpClient client, string quoteId, string stage) =>
        await (await client.PostAsJsonAsync($"/api/v1/quotes/{quoteId}/stage", new { stage })).ExpectAsync(HttpStatusCode.OK);

    [Fact]
    public async Task AQuoteIsPricedFromItsBookLineByLineAndNumberedByTheTenantRule()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var quote = await QuoteAsync(admin, c,
        [
            new { productId = c.DrillId, quantity = 3m, discount = 10m },
            new { productId = c.SawId, quantity = 2.5m },
            new { productId = c.InstallId, quantity = 1m, unitPrice = 45m, taxRate = 0m },
        ]);
        Assert.Matches(new Regex(@"^QT-\d{6}-0001$"), quote.Str("number"));
        Assert.Equal("draft", quote.Str("stage"));
        Assert.Equal(c.BookId, quote.Str("priceBookId"));
        Assert.Equal("CNY", quote.Str("currency"));
        var lines = quote.GetProperty("lines");

        // The book's price (150.005) for the drill: 3 × 150.005 × 0.9 = 405.0135 → 405.01; tax 13 % = 52.6513 → 52.65.
        Assert.Equal(150.005m, lines[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(405.01m, lines[0].GetProperty("net").GetDecimal());
        Assert.Equal(52.65m, lines[0].GetProperty("tax").GetDecimal());
        Assert.Equal(457.66m, lines[0].GetProperty("gross").GetDecimal());
        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("priceOverriddenBy").ValueKind);
        Assert.Equal("product", lines[0].Str("kind"));
        Assert.Equal("电钻 Drill", lines[0].Str("name"));
        // No book price for the saw: its list price, same currency. 25.00 net, 1.50 tax.
        Assert.Equal(10m, lines[1].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(1.5m, lines[1].GetProperty("tax").GetDecimal());
        // The service's price was overridden: who did it is on the line.
        Assert.Equal("service", lines[2].Str("kind"));
        Assert.Equal("hours", lines[2].Str("unit"));
        Assert.Equal(50m, lines[2].GetProperty("bookPrice").GetDecimal());
        Assert.Equal(tenant.AdminUserId, lines[2].Str("priceOverriddenBy"));
        var totals = quote.GetProperty("totals");
        Assert.Equal(405.01m + 25m + 45m, totals.GetProperty("net").GetDecimal());
        Assert.Equal(52.65m + 1.5m, totals.GetProperty("tax").GetDecimal());
        Assert.Equal(405.01m + 25m + 45m + 52.65m + 1.5m, totals.GetProperty("gross").GetDecimal());
        Assert.Equal(Math.Round(3 * 150.005m, 2, MidpointRounding.AwayFromZero) - 405.01m, totals.GetProperty("discount").GetDecimal());

        var second = await QuoteAsync(admin, c);
        Assert.EndsWith("-0002", second.Str("number"));
        var found = await admin.GetJsonAsync($"/api/v1/quotes?q={Uri.EscapeDataString(second.Str("number"))}");
        Assert.Equal([second.Id()], found.Ids());
    }

    [Fact]
    public async Task BadQuotesAreRefusedWithTheFieldAndNothingIsStored()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var other = await admin.CreateCustomerAsync(SalesSetup.Unique("Other"));
        var othersContact = await admin.CreateContactAsync(other.Id(), "Zhang");
        var othersDeal = await admin.PostJsonAsync("/api/v1/opportunities", new { name = "Deal", customerId = other.Id() }, HttpStatusCode.Created);
        var usd = await admin.PostJsonAsync("/api/v1/price-books", new { name = "USD book", currency = "USD" }, HttpStatusCode.Created);

        async Task Bad(object body, HttpStatusCode status, string code, string? field = null)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/quotes", body)).ExpectProblemAsync(status, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        var one = new[] { new { productId = c.DrillId, quantity = 1m } };
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.OffShelfId, quantity = 1m } } }, HttpStatusCode.Conflict, "product.off_shelf");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = Missing, quantity = 1m } } }, HttpStatusCode.BadRequest, "product.not_found", "lines[0].productId");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.DrillId, quantity = 0m } } }, HttpStatusCode.BadRequest, "validation.failed", "lines[0].quantity");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.DrillId, quantity = 1.00001m } } }, HttpStatusCode.BadRequest, "validation.failed", "lines[0].quantity");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.DrillId, quantity = 1m, discount = 101m } } }, HttpStatusCode.BadRequest, "validation.failed", "lines[0].discount");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.DrillId, quantity = 1m, unitPrice = -1m } } }, HttpStatusCode.BadRequest, "validation.failed", "lines[0].unitPrice");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = new[] { new { productId = c.DrillId, quantity = 1m, taxRate = 13.00001m } } }, HttpStatusCode.BadRequest, "validation.failed", "lines[0].taxRate");
        await Bad(new { name = "Q", customerId = c.CustomerId, lines = Enumerable.Repeat(new { productId = c.DrillId, quantity = 1m }, 201).ToArray() }, HttpStatusCode.BadRequest, "validation.failed", "lines");
        await Bad(new { name = "Q", customerId = Missing, lines = one }, HttpStatusCode.BadRequest, "quote.customer_not_found", "customerId");
        await Bad(new { name = "Q", customerId = c.CustomerId, contactId = othersContact.Id(), lines = one }, HttpStatusCode.BadRequest, "quote.contact_invalid", "contactId");
        await Bad(new { name = "Q", customerId = c.CustomerId, opportunityId = othersDeal.Id(), lines = one }, HttpStatusCode.BadRequest, "quote.opportunity_other_customer", "opportunityId");
        await Bad(new { name = "Q", customerId = c.CustomerId, priceBookId = usd.Id(), currency = "CNY", lines = one }, HttpStatusCode.BadRequest, "priceBook.currency_mismatch", "priceBookId");
        await Bad(new { name = "Q", customerId = c.CustomerId, priceBookId = Missing, lines = one }, HttpStatusCode.BadRequest, "priceBook.not_found", "priceBookId");
        await Bad(new { name = "Q", customerId = c.CustomerId, currency = "cny", lines = one }, HttpStatusCode.BadRequest, "validation.failed", "currency");
        // In USD the CNY list price does not apply: the line must say its price.
        await Bad(new { name = "Q", customerId = c.CustomerId, currency = "USD", lines = new[] { new { productId = c.SawId, quantity = 1m } } }, HttpStatusCode.BadRequest, "line.price_missing", "lines[0].unitPrice");
        await Bad(new { name = "", customerId = c.CustomerId }, HttpStatusCode.BadRequest, "validation.failed", "name");
        await (await admin.PostJsonAsync("/api/v1/quotes", "{\"name\":\"Q\",\"customerId\":")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/quotes")).Items());

        // A USD quote with its own prices is fine, and the number series is untouched by the refusals.
        var inUsd = await admin.PostJsonAsync("/api/v1/quotes", new { name = "Q", customerId = c.CustomerId, currency = "USD", lines = new[] { new { productId = c.SawId, quantity = 1m, unitPrice = 2m } } }, HttpStatusCode.Created);
        Assert.EndsWith("-0001", inUsd.Str("number"));
        Assert.Equal(JsonValueKind.Null, inUsd.GetProperty("priceBookId").ValueKind);
    }

    [Fact]
    public async Task QuoteStagesMoveByTheActionAndLockTheQuoteOnceSent()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var quote = await QuoteAsync(admin, c);
        var url = $"/api/v1/quotes/{quote.Id()}";

        await (await admin.PatchJsonAsync(url, new { stage = "sent" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "quote.field_by_action");
        await (await admin.PatchJsonAsync(url, new { number = "X" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "quote.field_by_action");
        await (await admin.PostAsJsonAsync($"{url}/stage", new { stage = "accepted" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_invalid");
        await (await admin.PostAsJsonAsync($"{url}/stage", new { stage = "nonsense" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        // While a draft, lines change (the drill keeps its book price, a new line names an on-shelf item).
        var edited = await (await admin.PatchJsonAsync(url, new { lines = new object[] { new { productId = c.DrillId, quantity = 1m }, new { productId = c.SawId, quantity = 1m } } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, edited.GetProperty("lines").GetArrayLength());
        Assert.Equal(150.01m + 10m, edited.GetProperty("totals").GetProperty("net").GetDecimal());

        var stale = (await admin.GetAsync(url)).Headers.ETag!.Tag;
        await MoveAsync(admin, quote.Id(), "sent");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/stage") { Content = JsonContent.Create(new { stage = "accepted" }) };
        request.Headers.TryAddWithoutValidation("If-Match", stale);
        await (await admin.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        await (await admin.PatchJsonAsync(url, new { name = "Changed" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.not_editable");

        var accepted = await MoveAsync(admin, quote.Id(), "accepted");
        Assert.Equal(["draft", "sent", "accepted"], accepted.GetProperty("stageHistory").EnumerateArray().Select(h => h.Str("to")));
        await (await admin.PostAsJsonAsync($"{url}/stage", new { stage = "draft" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.stage_invalid");

        // A quote past its validity date is not sent or accepted.
        var old = await admin.PostJsonAsync("/api/v1/quotes", new
        {
            name = "Old", customerId = c.CustomerId, validUntil = "2020-01-31", lines = new[] { new { productId = c.DrillId, quantity = 1m } },
        }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/quotes/{old.Id()}/stage", new { stage = "sent" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.expired");
        var empty = await admin.PostJsonAsync("/api/v1/quotes", new { name = "Empty", customerId = c.CustomerId }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync($"/api/v1/quotes/{empty.Id()}/stage", new { stage = "sent" })).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.no_lines");
    }

    [Fact]
    public async Task AnAcceptedQuoteConvertsOnceToADraftContractWithItsLines()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var contact = await admin.CreateContactAsync(c.CustomerId, "Li");
        var quote = await admin.PostJsonAsync("/api/v1/quotes", new
        {
            name = "Kit", customerId = c.CustomerId, contactId = contact.Id(), terms = "30 days net",
            lines = new object[] { new { productId = c.DrillId, quantity = 2m, unitPrice = 140m }, new { productId = c.SawId, quantity = 1m } },
        }, HttpStatusCode.Created);
        await (await admin.PostAsync($"/api/v1/quotes/{quote.Id()}/convert", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "quote.not_accepted");
        await MoveAsync(admin, quote.Id(), "sent");
        await MoveAsync(admin, quote.Id(), "accepted");
        // The saw leaves the shelf after the quote was accepted: the contract still carries it.
        await (await admin.PatchJsonAsync($"/api/v1/products/{c.SawId}", new { onShelf = false })).ExpectAsync(HttpStatusCode.OK);

        var response = await admin.PostAsync($"/api/v1/quotes/{quote.Id()}/convert", null);
        var contract = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/contracts/{contract.Id()}", response.Headers.Location!.OriginalString);
        Assert.Equal("draft", contract.Str("status"));
        Assert.Equal(quote.Id(), contract.Str("quoteId"));
        Assert.Equal(contact.Id(), contract.Str("signerContactId"));
        Assert.Equal("30 days net", contract.Str("terms"));
        Assert.Equal(c.BookId, contract.Str("priceBookId"));
        Assert.Matches(new Regex(@"^HT-\d{6}-0001$"), contract.Str("number"));
        Assert.Equal(quote.GetProperty("totals").GetRawText(), contract.GetProperty("totals").GetRawText());
        Assert.Equal(tenant.AdminUserId, contract.GetProperty("lines")[0].Str("priceOverriddenBy"));

        var again = await (await admin.PostAsync($"/api/v1/quotes/{quote.Id()}/convert", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(contract.Id(), again.Id());
        Assert.Equal(contract.Id(), (await admin.GetJsonAsync($"/api/v1/quotes/{quote.Id()}")).Str("contractId"));
        Assert.Single((await admin.GetJsonAsync("/api/v1/contracts")).Items());

        // Concurrent conversions of another accepted quote make one contract.
        var second = await QuoteAsync(admin, c);
        await MoveAsync(admin, second.Id(), "sent");
        await MoveAsync(admin, second.Id(), "accepted");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => admin.PostAsync($"/api/v1/quotes/{second.Id()}/convert", null)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        var ids = new HashSet<string>();
        foreach (var answer in answers)
        {
            Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK });
            ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).Id());
        }
        Assert.Single(ids);
        Assert.Equal(2, (await admin.GetJsonAsync("/api/v1/contracts")).Items().Count);
    }

    [Fact]
    public async Task FiftyParallelContractsGetFiftyConsecutiveNumbers()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        await (await admin.PatchJsonAsync("/api/v1/settings/numbering", new { contracts = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync("/api/v1/settings/numbering", new { contracts = "HT-{yyyy}-{seq}-{seq}" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync("/api/v1/settings/numbering", new { contracts = "HT-{hh}-{seq}" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync("/api/v1/settings/numbering", new { contracts = "HT <{seq}>" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var settings = await (await admin.PatchJsonAsync("/api/v1/settings/numbering", new { contracts = "C-{yy}/{seq:000}" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("C-{yy}/{seq:000}", settings.Str("contracts"));
        Assert.Equal("QT-{yyyy}{MM}-{seq:0000}", settings.Str("quotes"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            admin.PostAsJsonAsync("/api/v1/contracts", new { name = $"Contract {i}", customerId = c.CustomerId })));
        var numbers = new List<string>();
        foreach (var answer in answers)
        {
            numbers.Add((await answer.ExpectAsync(HttpStatusCode.Created)).Str("number"));
        }
        var prefix = $"C-{DateTime.UtcNow.AddHours(8):yy}/";
        Assert.All(numbers, n => Assert.StartsWith(prefix, n));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"{prefix}{i:000}"), numbers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AContractTakesEffectByApprovalAndThenChangesOnlyByAnAmendment()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var (repId, rep) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self,
            ["customers.view", "customers.create", "contracts.view", "contracts.create", "contracts.edit", "quotes.view"]));
        var customer = await rep.CreateCustomerAsync(SalesSetup.Unique("Rep's"), repId);
        var contract = await rep.PostJsonAsync("/api/v1/contracts", new
        {
            name = "Supply", customerId = customer.Id(), startDate = "2026-01-01", endDate = "2026-12-31", ourSignerId = repId,
        }, HttpStatusCode.Created);
        var url = $"/api/v1/contracts/{contract.Id()}";
        await (await rep.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "contract.no_lines");
        await (await rep.PatchJsonAsync(url, new { endDate = "2025-12-31" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.dates_invalid");
        await (await rep.PatchJsonAsync(url, new { ourSignerId = Missing })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.user_not_found");
        await (await rep.PatchJsonAsync(url, new { status = "active" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.field_by_action");
        await (await rep.PatchJsonAsync(url, new { approvalId = Missing })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.field_by_action");
        await (await rep.PatchJsonAsync(url, new { lines = new[] { new { productId = c.DrillId, quantity = 10m } } })).ExpectAsync(HttpStatusCode.OK);
        await admin.PostJsonAsync("/api/v1/approval-flows", new
        {
            name = "Contracts", documentType = "contract", steps = new[] { new { name = "Manager", approvers = new { kind = "users", userIds = new[] { tenant.AdminUserId } } } },
        }, HttpStatusCode.Created);

        var pending = await (await rep.PostAsync($"{url}/approval/submit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("pending", pending.Str("outcome"));
        Assert.Equal([tenant.AdminUserId], pending.GetProperty("waiting").EnumerateArray().Select(w => w.GetString()));
        Assert.Equal("pendingApproval", (await rep.GetJsonAsync(url)).Str("status"));
        await (await rep.PatchJsonAsync(url, new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Conflict, "contract.not_editable");
        await (await rep.PostAsync($"{url}/approval/approve", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "approval.not_approver");
        await (await admin.PostAsJsonAsync($"{url}/approval/reject", new { comment = " " })).ExpectProblemAsync(HttpStatusCode.BadRequest, "approval.comment_required");
        var rejection = await (await admin.PostAsJsonAsync($"{url}/approval/reject", new { comment = "Price too low" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("rejected", rejection.Str("outcome"));
        Assert.True(rejection.GetProperty("settled").GetBoolean());
        var rejected = await rep.GetJsonAsync(url);
        Assert.Equal("rejected", rejected.Str("status"));
        Assert.Equal("Price too low", rejected.GetProperty("statusHistory").EnumerateArray().Last().Str("reason"));
        await (await rep.PatchJsonAsync(url, new { lines = new[] { new { productId = c.DrillId, quantity = 10m, unitPrice = 160m } } })).ExpectAsync(HttpStatusCode.OK);
        await (await rep.PostAsync($"{url}/approval/resubmit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("approved", (await (await admin.PostAsync($"{url}/approval/approve", null)).ExpectAsync(HttpStatusCode.OK)).Str("outcome"));
        var active = await rep.GetJsonAsync(url);
        Assert.Equal("active", active.Str("status"));
        Assert.Equal(["draft", "pendingApproval", "rejected", "pendingApproval", "active"],
            active.GetProperty("statusHistory").EnumerateArray().Select(h => h.Str("to")));

        // Active: a plain edit is refused, an amendment records what changed.
        await (await rep.PatchJsonAsync(url, new { endDate = "2027-06-30" })).ExpectProblemAsync(HttpStatusCode.Conflict, "contract.not_editable");
        await (await rep.PostAsJsonAsync($"{url}/amendments", new { reason = "Extend", changes = new { endDate = "2027-06-30" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await admin.PostAsJsonAsync($"{url}/amendments", new { reason = "Nothing", changes = new { endDate = "2026-12-31" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.amendment_empty");
        await (await admin.PostAsJsonAsync($"{url}/amendments", new { reason = "Owner", changes = new { ownerId = tenant.AdminUserId } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.field_by_action");
        await (await admin.PostAsJsonAsync($"{url}/amendments", new { reason = "Bad", changes = new { endDate = "2025-01-01" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.dates_invalid");
        await (await admin.PostAsJsonAsync($"{url}/amendments", new { changes = new { endDate = "2027-06-30" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var amended = await (await admin.PostAsJsonAsync($"{url}/amendments", new
        {
            reason = "Extended by half a year, two more drills",
            changes = new { endDate = "2027-06-30", lines = new[] { new { productId = c.DrillId, quantity = 12m, unitPrice = 160m } } },
        })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", amended.Str("status"));
        Assert.Equal("2027-06-30", amended.Str("endDate"));
        var amendment = amended.GetProperty("amendments")[0];
        Assert.Equal("Extended by half a year, two more drills", amendment.Str("reason"));
        Assert.Equal(tenant.AdminUserId, amendment.Str("by"));
        var changes = amendment.GetProperty("changes");
        Assert.Equal("2026-12-31", changes.GetProperty("endDate").GetProperty("before").GetString());
        Assert.Equal("2027-06-30", changes.GetProperty("endDate").GetProperty("after").GetString());
        Assert.Contains(changes.EnumerateObject(), p => p.Name.StartsWith("lines", StringComparison.Ordinal));
        Assert.Equal(1920m, amended.GetProperty("totals").GetProperty("net").GetDecimal());

        await (await admin.PostAsJsonAsync($"{url}/terminate", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "contract.reason_required");
        var terminated = await (await admin.PostAsJsonAsync($"{url}/terminate", new { reason = "Customer went bankrupt" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("terminated", terminated.Str("status"));
        await (await admin.PostAsJsonAsync($"{url}/amendments", new { reason = "Late", changes = new { endDate = "2028-01-01" } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "contract.not_active");
        await (await admin.PostAsync($"{url}/approval/submit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "contract.status_invalid");

        var history = await admin.GetJsonAsync($"/api/v1/audit-logs?recordType=contract&recordId={contract.Id()}");
        var activities = history.Items().Select(i => i.TryGetProperty("activity", out var a) ? a.GetString() : null).ToList();
        Assert.Contains("approved", activities);
        Assert.Contains("amended", activities);
        Assert.Contains("terminated", activities);
    }

    [Fact]
    public async Task QuotesAndContractsFollowTheirCustomerAndKeepItFromBeingDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var (otherId, other) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self,
            ["customers.view", "quotes.view", "contracts.view"]));
        var quote = await QuoteAsync(admin, c);
        var contract = await admin.PostJsonAsync("/api/v1/contracts", new { name = "Supply", customerId = c.CustomerId }, HttpStatusCode.Created);
        await (await other.GetAsync($"/api/v1/quotes/{quote.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "quote.not_found");

        // The customer's timeline shows both.
        var timeline = await admin.GetJsonAsync($"/api/v1/customers/{c.CustomerId}/timeline");
        var kinds = timeline.Items().Select(i => i.Str("kind")).ToList();
        Assert.Contains("quote", kinds);
        Assert.Contains("contract", kinds);
        Assert.Equal(quote.Str("number"), timeline.Items().First(i => i.Str("kind") == "quote").GetProperty("document").Str("number"));

        await (await admin.DeleteAsync($"/api/v1/customers/{c.CustomerId}")).ExpectProblemAsync(HttpStatusCode.Conflict, "customer.has_contracts");
        await (await admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = new[] { c.CustomerId }, ownerId = otherId, cascade = new[] { "nonsense" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "transfer.unknown_cascade");
        await (await admin.PostAsJsonAsync("/api/v1/customers/transfer", new { ids = new[] { c.CustomerId }, ownerId = otherId, cascade = new[] { "contracts" } }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(otherId, (await other.GetJsonAsync($"/api/v1/contracts/{contract.Id()}")).Str("ownerId"));
        Assert.Equal(tenant.AdminUserId, (await admin.GetJsonAsync($"/api/v1/quotes/{quote.Id()}")).Str("ownerId"));

        // A merge moves both to the target.
        var target = await admin.CreateCustomerAsync(SalesSetup.Unique("Target"));
        var merged = await admin.PostJsonAsync("/api/v1/customers/merge", new { targetId = target.Id(), sourceIds = new[] { c.CustomerId } }, HttpStatusCode.OK);
        Assert.Equal([quote.Id()], merged.GetProperty("moved").GetProperty("quotes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([contract.Id()], merged.GetProperty("moved").GetProperty("contracts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(target.Id(), (await admin.GetJsonAsync($"/api/v1/contracts/{contract.Id()}")).Str("customerId"));
        Assert.Equal(target.Id(), (await admin.GetJsonAsync($"/api/v1/quotes/{quote.Id()}")).Str("customerId"));
    }

    [Fact]
    public async Task AQuotePrintsAsPdfOrHtmlFromTheTenantTemplate()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var c = await CatalogueAsync(admin);
        var quote = await QuoteAsync(admin, c, [new { productId = c.DrillId, quantity = 3m, discount = 10m }]);
        var url = $"/api/v1/quotes/{quote.Id()}/document";

        var pdf = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", pdf.Headers.GetValues("X-Content-Type-Options").Single());
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Concat(document.GetPages().SelectMany(p => p.Letters).Select(l => l.Value));
            Assert.Contains(quote.Str("number"), text);
            Assert.Contains("电钻", text);
            Assert.Contains("457.66", text);
        }

        var html = await admin.GetAsync($"{url}?format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'none'", html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("电钻 Drill", await html.Content.ReadAsStringAsync());
        await (await admin.GetAsync($"{url}?format=docx")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        var (_, outsider) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self, ["quotes.view"]));
        await (await outsider.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "quote.not_found");
        var (_, noRight) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view"]));
        await (await noRight.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
