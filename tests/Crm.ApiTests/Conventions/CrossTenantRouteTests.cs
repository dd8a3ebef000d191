using System.Net;
using System.Text;
using Azure.Data.Tables;
using Crm.ApiTests.Credentials;
using Crm.ApiTests.Infrastructure;
using Crm.Platform.Notifications;
using Crm.ApiTests.Attachments;
using Crm.ApiTests.Transfers;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Crm.ApiTests.Conventions;

/// <summary>
/// Generated from the endpoint table: every route with an <c>{id}</c>, with every method, called by one
/// tenant's administrator with another tenant's ids, answers 404 (405 for a method the route lacks)
/// and reveals nothing. A new route is covered as soon as it is mapped.
/// </summary>
public sealed class CrossTenantRouteTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Bodies that pass a route's input validation, so the answer is about the id, not the body.</summary>
    private static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        ["ResetUserPassword"] = """{"newPassword":"Taken-Over-Pass-1"}""",
        ["SetUserRoles"] = """{"roleIds":[]}""",
        ["SetMemoTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetCustomerTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetContactTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetOpportunityTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetFollowUpTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["MoveOpportunityStage"] = """{"stageKey":"proposal"}""",
        ["LoseOpportunity"] = """{"reason":"price"}""",
        ["SetLeadTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetTaskTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["AddTaskComment"] = """{"body":"Taken over"}""",
        ["SetCalendarEventTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["AnswerCalendarEvent"] = """{"response":"accepted"}""",
        ["SetQuoteTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["SetContractTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["MoveQuoteStage"] = """{"stage":"draft"}""",
        ["RejectContract"] = """{"comment":"price"}""",
        ["RejectPurchaseOrder"] = """{"comment":"price"}""",
        ["TerminateContract"] = """{"reason":"price"}""",
        ["AmendContract"] = """{"reason":"price","changes":{"name":"Taken over"}}""",
        ["CancelPurchaseOrder"] = """{"reason":"price"}""",
        ["PayPurchaseOrder"] = """{"paidOn":"2026-12-01"}""",
        ["ReceivePurchaseOrder"] = """{"lines":[{"productId":"01aaaaaaaaaaaaaaaaaaaaaaaa","quantity":1}]}""",
        ["SetShipmentTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["CancelShipment"] = """{"reason":"price"}""",
        ["SetInvoiceTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["IssueInvoice"] = """{"invoiceNumber":"24312000000012345678"}""",
        ["VoidInvoice"] = """{"reason":"price"}""",
        ["SetReceiptTeamMember"] = """{"userId":"01aaaaaaaaaaaaaaaaaaaaaaaa","access":"read"}""",
        ["RejectReceipt"] = """{"comment":"price"}""",
        ["RejectQuote"] = """{"comment":"price"}""",
        ["VoidReceipt"] = """{"reason":"price"}""",
        ["PutPaymentPlan"] = """{"installments":[]}""",
        ["ReplyToMessageThread"] = """{"body":"Taken over"}""",
        ["RedeliverFailedWebhooks"] = """{"since":"2026-01-01T00:00:00Z"}""",
        ["CreateShipmentSchedule"] = """{"period":"weekly","startDate":"2030-01-01","lines":[{"productId":"01aaaaaaaaaaaaaaaaaaaaaaaa","quantity":1}]}""",
    };

    /// <summary>Bodies of the routes that take a file rather than JSON (their media type is matched before the handler runs).</summary>
    private static readonly Dictionary<string, Func<HttpContent>> Files = new(StringComparer.Ordinal)
    {
        ["UploadAttachmentVersion"] = () => AttachmentSetup.Form(AttachmentSetup.Pdf, "taken-over.pdf"),
        ["PutAttachmentUploadBlock"] = () => new ByteArrayContent(AttachmentSetup.Pdf)
            { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream") } },
    };

    private sealed record Case(string Method, string Url, string Route, string? EndpointName, string SentId);

    [Fact]
    public async Task EveryRouteWithAnIdAnswersNotFoundForAnotherTenantsRecords()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        owner.Admin.From("203.0.113.1");
        var names = new[] { "Secret Lab " + Api.Stamp(), "Binned Lab " + Api.Stamp(), "Secret Person " + Api.Stamp(), "Secret Partner " + Api.Stamp(), "Secret range " + Api.Stamp(), "Secret memo " + Api.Stamp(), "Secret customer " + Api.Stamp(), "Secret contact " + Api.Stamp() };
        await owner.CreateDepartmentAsync(names[0]);
        var binned = await owner.CreateDepartmentAsync(names[1]);
        await (await owner.Admin.DeleteAsync($"/api/v1/departments/{binned.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        var person = await owner.CreateUserAsync(name: names[2]);
        // An owned record with a team, so the shared owned-record routes (team included) are tried.
        var memo = await owner.Admin.PostJsonAsync("/api/v1/memos", new { name = names[5] }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/memos/{memo.Id()}/team", new { userId = person.Id(), access = "read" }, HttpStatusCode.OK);
        // A customer with a contact and a team, so the customer actions (lock, contacts, tree) and contact routes are tried.
        var customer = await owner.Admin.PostJsonAsync("/api/v1/customers", new { name = names[6] }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/customers/{customer.Id()}/team", new { userId = person.Id(), access = "read" }, HttpStatusCode.OK);
        await owner.Admin.PostJsonAsync("/api/v1/contacts", new { customerId = customer.Id(), name = names[7] }, HttpStatusCode.Created);
        // A lead with a team, so the lead routes (convert included) are tried.
        var lead = await owner.Admin.PostJsonAsync("/api/v1/leads", new { name = "Secret lead " + Api.Stamp(), company = "Secret lead company " + Api.Stamp() }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/leads/{lead.Id()}/team", new { userId = person.Id(), access = "read" }, HttpStatusCode.OK);
        // An opportunity of that customer, so the stage, won and lost actions are tried.
        await owner.Admin.PostJsonAsync("/api/v1/opportunities", new { customerId = customer.Id(), name = "Secret deal " + Api.Stamp() }, HttpStatusCode.Created);
        // A follow-up on the customer, and a notification of the owner's admin (not a record: a user's own list).
        var followUp = await owner.Admin.PostJsonAsync("/api/v1/followups", new { relatedType = "customer", relatedId = customer.Id(), channel = "phone", content = "Secret call " + Api.Stamp() }, HttpStatusCode.Created);
        await app.Service<INotifier>().NotifyAsync(owner.Id, new Notice(owner.AdminUserId, "test.secret", "Secret notice"), "secret:" + followUp.Id(), CancellationToken.None);
        // A file on the customer, an upload session started for another, and a document folder.
        await owner.Admin.PostJsonAsync("/api/v1/document-folders", new { name = "Secret folder " + Api.Stamp() }, HttpStatusCode.Created);
        await owner.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Pdf, "Secret file.pdf");
        var upload = await owner.Admin.PostJsonAsync("/api/v1/attachments/uploads", new { relatedType = "customer", relatedId = customer.Id(), fileName = "Secret big.pdf", size = 10 },
            HttpStatusCode.Created);
        // A customer in the public pool (so the pool's read is tried), a pool rule and a saved view.
        var pooled = await owner.Admin.PostJsonAsync("/api/v1/customers", new { name = "Secret pooled " + Api.Stamp() }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/customers/{pooled.Id()}/release", new { reason = "secret" }, HttpStatusCode.OK);
        await owner.Admin.PostJsonAsync("/api/v1/pool-rules", new { name = "Secret rule " + Api.Stamp(), daysWithoutFollowUp = 30 }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/saved-views", new { name = "Secret view " + Api.Stamp(), entityType = "customers" }, HttpStatusCode.Created);
        await owner.DefineCustomFieldAsync("memos", "secretScore", "number");
        // The catalogue: a category with a product of a vendor, a service, and a price book of both.
        var category = await owner.Admin.PostJsonAsync("/api/v1/product-categories", new { name = "Secret category " + Api.Stamp() }, HttpStatusCode.Created);
        var vendor = await owner.Admin.PostJsonAsync("/api/v1/vendors", new { name = "Secret vendor " + Api.Stamp() }, HttpStatusCode.Created);
        var product = await owner.Admin.PostJsonAsync("/api/v1/products",
            new { code = "SP-" + Api.Stamp(), name = "Secret product", categoryId = category.Id(), vendorId = vendor.Id(), listPrice = 10 }, HttpStatusCode.Created);
        var service = await owner.Admin.PostJsonAsync("/api/v1/services", new { code = "SS-" + Api.Stamp(), name = "Secret service", unit = "hours", listPrice = 5 }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/price-books", new { name = "Secret book " + Api.Stamp(), currency = "CNY",
            prices = new object[] { new { itemId = product.Id(), price = 9 }, new { itemId = service.Id(), price = 4 } } }, HttpStatusCode.Created);
        // An accepted quote of the customer (so its stage and convert actions are tried) and a contract.
        var quote = await owner.Admin.PostJsonAsync("/api/v1/quotes", new { name = "Secret quote", customerId = customer.Id(),
            lines = new[] { new { productId = product.Id(), quantity = 1 } } }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/quotes/{quote.Id()}/stage", new { stage = "sent" }, HttpStatusCode.OK);
        await owner.Admin.PostJsonAsync($"/api/v1/quotes/{quote.Id()}/stage", new { stage = "accepted" }, HttpStatusCode.OK);
        await owner.Admin.PostJsonAsync("/api/v1/contracts", new { name = "Secret contract", customerId = customer.Id() }, HttpStatusCode.Created);
        // An active contract with a shipment and a shipment schedule, so their routes (actions and the contract's schedules) are tried.
        var sold = await owner.Admin.PostJsonAsync("/api/v1/contracts", new { name = "Secret supply", customerId = customer.Id(),
            lines = new[] { new { productId = product.Id(), quantity = 10 } } }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/contracts/{sold.Id()}/approval/submit", new { }, HttpStatusCode.OK);
        await owner.Admin.PostJsonAsync("/api/v1/invoices", new { customerId = customer.Id(), contractId = sold.Id(), title = "Secret buyer", amount = 1m },
            HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/receipts", new { contractId = sold.Id(), amount = 1m, receivedOn = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
            HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/shipments", new { contractId = sold.Id(), lines = new[] { new { productId = product.Id(), quantity = 1 } } },
            HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/contracts/{sold.Id()}/shipment-schedules", new { period = "monthly", startDate = "2030-01-31",
            lines = new[] { new { productId = product.Id(), quantity = 1 } } }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/purchase-orders", new { name = "Secret order", vendorId = vendor.Id(),
            lines = new[] { new { productId = product.Id(), quantity = 1, unitPrice = 3 } } }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/approval-flows", new { name = "Secret flow " + Api.Stamp(), documentType = "contract",
            steps = new[] { new { name = "Boss", approvers = new { kind = "superior", levels = 1 } } } }, HttpStatusCode.Created);
        // A task on the customer with a participant and a comment, so the task routes (comments included) are tried.
        var task = await owner.Admin.PostJsonAsync("/api/v1/tasks", new { title = "Secret task " + Api.Stamp(), relatedType = "customer", relatedId = customer.Id(),
            participants = new[] { person.Id() } }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/tasks/{task.Id()}/comments", new { body = "Secret comment " + Api.Stamp() }, HttpStatusCode.Created);
        // A repeating event the person is invited to, so the event routes (their answer included) are tried.
        await owner.Admin.PostJsonAsync("/api/v1/calendar-events", new { title = "Secret meeting " + Api.Stamp(), startAt = DateTimeOffset.UtcNow.AddDays(1),
            endAt = DateTimeOffset.UtcNow.AddDays(1).AddHours(1), repeat = "FREQ=WEEKLY;COUNT=4", participants = new[] { person.Id() } }, HttpStatusCode.Created);
        // A tag on the customer and a bookmark of it, so the tag and bookmark routes are tried.
        var tag = await owner.Admin.PostJsonAsync("/api/v1/tags", new { name = "Secret tag " + Api.Stamp(), color = "#aa0000" }, HttpStatusCode.Created);
        await (await owner.Admin.PutAsync($"/api/v1/tags/{tag.Id()}/records/customer/{customer.Id()}", null)).ExpectAsync(HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync("/api/v1/bookmarks", new { recordType = "customer", recordId = customer.Id() }, HttpStatusCode.Created);
        // A published announcement the admin read, so the announcement routes (publish, read, receipts) are tried.
        var notice = await owner.Admin.PostJsonAsync("/api/v1/announcements", new { title = "Secret notice " + Api.Stamp(), body = "Secret" }, HttpStatusCode.Created);
        await owner.Admin.PostJsonAsync($"/api/v1/announcements/{notice.Id()}/publish", new { }, HttpStatusCode.OK);
        await (await owner.Admin.PostAsync($"/api/v1/announcements/{notice.Id()}/read", null)).ExpectAsync(HttpStatusCode.NoContent);
        await owner.Admin.CreateApiKeyAsync(["departments.manage"], name: names[3]);
        // A message thread with the owner's person, so the thread routes are tried.
        await owner.Admin.PostJsonAsync("/api/v1/message-threads", new { subject = "Secret thread", recipientIds = new[] { person.Id() }, body = "Secret message" }, HttpStatusCode.Created);
        // A webhook subscription (to an event type nothing sends), so its routes and delivery log are tried.
        await owner.Admin.PostJsonAsync("/api/v1/webhook-subscriptions", new { url = "https://partner.example.com/hook", eventTypes = new[] { "test.never" } }, HttpStatusCode.Created);
        await (await owner.Admin.CreateIpRuleAsync("198.51.100.0/24", "block", names[4])).ExpectAsync(HttpStatusCode.Created);

        // Import and export jobs are not records: their ids come from jobs the owner starts.
        var import = await (await owner.Admin.ImportAsync("customers", TransferSetup.Csv($"name\r\nImported {Api.Stamp()}\r\n"))).ExpectAsync(HttpStatusCode.Accepted);
        var export = await (await owner.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers" }))).ExpectAsync(HttpStatusCode.Accepted);
        await owner.Admin.WaitForJobAsync($"/api/v1/imports/{import.Id()}");
        await owner.Admin.WaitForJobAsync($"/api/v1/exports/{export.Id()}");

        var registry = app.Service<RecordTypeRegistry>();
        var ownerIds = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var store in registry.Stores)
        {
            var ids = new List<string>();
            await foreach (var row in store.Table.QueryAsync<TableEntity>(r => r.PartitionKey == owner.Id && r.RowKey.CompareTo("r~") >= 0 && r.RowKey.CompareTo("r~~") < 0))
            {
                ids.Add(row.RowKey[2..]);
            }
            Assert.True(ids.Count > 0, $"The fixture makes no {store.TypeName} in the owner tenant: make one above, so its routes are tried.");
            ownerIds[store.TypeName] = ids;
        }
        ownerIds[Notifications] = [.. (await owner.Admin.GetJsonAsync("/api/v1/notifications")).Ids()];
        ownerIds["import"] = [import.Id()];
        ownerIds["export"] = [export.Id()];
        ownerIds["upload"] = [upload.Id()];
        var stamps = await StampsAsync(registry, owner.Id);

        var cases = new List<Case>();
        var unresolved = new List<string>();
        var endpoints = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.GetParameter("id") is not null).ToList();
        foreach (var group in endpoints.GroupBy(e => e.RoutePattern.RawText!, StringComparer.Ordinal))
        {
            var pattern = group.First().RoutePattern;
            var declared = group.SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Endpoint: e))).ToList();
            var types = pattern.GetParameter("type") is not null ? registry.Stores.Select(s => s.TypeName).ToList()
                : TypeOf(registry, pattern) is { } single ? [single] : null;
            if (types is null)
            {
                unresolved.Add(pattern.RawText!);
                continue;
            }
            foreach (var type in types)
            {
                foreach (var id in ownerIds[type])
                {
                    var url = Url(pattern, type, id, intruder.AdminUserId);
                    foreach (var method in Methods)
                    {
                        var endpoint = declared.FirstOrDefault(d => d.Method == method).Endpoint;
                        cases.Add(new Case(method, url, pattern.RawText!, endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, id));
                    }
                }
            }
        }
        Assert.True(unresolved.Count == 0, "Routes whose record type the test cannot tell (name the table after the route, or teach TypeOf):\n" + string.Join('\n', unresolved));
        Assert.Contains(cases, c => c.Route.StartsWith("/api/v1/recycle-bin/", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Route.StartsWith("/api/v1/api-keys/", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Route.StartsWith("/api/v1/ip-rules/", StringComparison.Ordinal));

        var secrets = names.Append(owner.Id).Append(owner.Slug).ToList();
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Url);
            if (c.Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = c.EndpointName is { } f && Files.TryGetValue(f, out var file) ? file()
                    : new StringContent(c.EndpointName is { } n && Bodies.TryGetValue(n, out var body) ? body : "{}", Encoding.UTF8, "application/json");
            }
            var response = await intruder.Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var expected = c.EndpointName is null ? HttpStatusCode.MethodNotAllowed : HttpStatusCode.NotFound;
            var leaked = secrets.Concat(ownerIds.Values.SelectMany(v => v)).Where(s => s != c.SentId && text.Contains(s, StringComparison.Ordinal)).ToList();
            if (response.StatusCode != expected && !(expected == HttpStatusCode.MethodNotAllowed && response.StatusCode == HttpStatusCode.NotFound))
            {
                failures.Add($"{c.Method} {c.Url} ({c.Route}): expected {(int)expected}, got {(int)response.StatusCode} {text}");
            }
            else if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || leaked.Count > 0)
            {
                failures.Add($"{c.Method} {c.Url}: not a clean problem (leaks {string.Join(", ", leaked)}): {text}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} calls went wrong:\n" + string.Join('\n', failures));
        Assert.Equal(stamps, await StampsAsync(registry, owner.Id));
    }

    /// <summary>The record type of a route like <c>/api/v1/ip-rules/{id}</c>: the store whose table is the segment before the id.</summary>
    private static string? TypeOf(RecordTypeRegistry registry, RoutePattern pattern)
    {
        var index = pattern.PathSegments.ToList().FindIndex(s => s.Parts.Any(p => p is RoutePatternParameterPart { Name: "id" }));
        if (index < 1 || pattern.PathSegments[index - 1].Parts is not [RoutePatternLiteralPart literal])
        {
            return null;
        }
        // The public pool holds customers; import and export jobs and upload sessions are not records.
        if (literal.Content is "imports" or "exports" or "uploads")
        {
            return literal.Content[..^1];
        }
        var table = literal.Content == "pool" ? "customers" : literal.Content.Replace("-", "", StringComparison.Ordinal);
        // A collection named otherwise than its table (document-folders are the documents module's records).
        return registry.Stores.FirstOrDefault(s => s.Collection == literal.Content)?.TypeName ?? registry.Stores.FirstOrDefault(s => string.Equals(s.TableName, table, StringComparison.OrdinalIgnoreCase))?.TypeName
            ?? (table == Notifications ? Notifications : null);
    }

    /// <summary>Notifications are not records (each user's own list), so their ids are read from the owner's list.</summary>
    private const string Notifications = "notifications";

    /// <summary>The other parameters (a member's id...) get the intruder's own ids, so only the sent id is foreign.</summary>
    private static string Url(RoutePattern pattern, string type, string id, string ownId) =>
        string.Concat(pattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternParameterPart { Name: "id" } => id,
            RoutePatternParameterPart { Name: "type" } => type,
            RoutePatternParameterPart => ownId,
            _ => "",
        }))));

    /// <summary>Every record type's change stamp: any write the intruder managed would move one.</summary>
    private static async Task<List<string>> StampsAsync(RecordTypeRegistry registry, string tenantId)
    {
        var stamps = new List<string>();
        foreach (var store in registry.Stores)
        {
            await foreach (var row in store.Table.QueryAsync<TableEntity>(r => r.PartitionKey == tenantId && r.RowKey.CompareTo("a~") >= 0 && r.RowKey.CompareTo("a~~") < 0, maxPerPage: 1))
            {
                stamps.Add($"{store.TypeName}:{row.RowKey}");
                break;
            }
        }
        return stamps;
    }
}
