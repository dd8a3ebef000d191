using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Commerce;

/// <summary>The order-to-cash writes given hostile bodies: each answers a problem+json 4xx and stores nothing.</summary>
public sealed class CommerceHostileInputTests(CrmApp app) : IClassFixture<CrmApp>
{
    public static TheoryData<string> Routes => new()
    {
        "/api/v1/quotes", "/api/v1/contracts", "/api/v1/purchase-orders", "/api/v1/inventory/entries", "/api/v1/inventory/counts", "/api/v1/invoices",
        "/api/v1/shipments", "/api/v1/receipts",
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task HostileBodiesAnswer4xxProblems(string route)
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var big = new string('x', 100_000);
        var manyLines = "[" + string.Join(",", Enumerable.Repeat("{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1}", 10_000)) + "]";
        string[] bodies =
        [
            "{\"name\":",
            "{\"name\":\"\\ud800\",\"customerId\":\"\\ud800\",\"vendorId\":\"\\ud800\",\"productId\":\"\\ud800\",\"kind\":\"receipt\",\"quantity\":1,\"reason\":\"\\ud800\"}",
            "{\"name\":42,\"customerId\":[],\"lines\":\"no\",\"quantity\":\"many\"}",
            $"{{\"name\":\"{big}\",\"customerId\":\"{big}\",\"vendorId\":\"{big}\",\"productId\":\"{big}\",\"reason\":\"{big}\",\"quantity\":1}}",
            $"{{\"name\":\"Q\",\"customerId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"vendorId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"lines\":{manyLines}}}",
            "{\"name\":\"Q\",\"customerId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"lines\":[{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1e400}]}",
        ];
        foreach (var body in bodies)
        {
            var response = await admin.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{route} answered {status} to a {body.Length}-character body: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        if (!route.StartsWith("/api/v1/inventory", StringComparison.Ordinal))
        {
            Assert.Empty((await admin.GetJsonAsync(route)).Items());
        }
    }
}

/// <summary>
/// The order-to-cash actions and patches given hostile bodies, each against a record in the state where a good body
/// would succeed (so a refusal is the body's, not the state's): each answers a problem+json 4xx, the record keeps its
/// version, nothing is posted to the ledger, and the good body then goes through.
/// </summary>
public sealed class CommerceActionHostileInputTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Hole = "__hostile__";
    private static readonly string Big = new('x', 100_000);

    /// <summary>Action → the good body (null: the action takes none) and the kinds of its fields.</summary>
    public static TheoryData<string> Actions => new()
    {
        "quote.stage", "quote.convert", "quote.patch",
        "contract.approval/submit", "contract.approval/withdraw", "contract.approval/approve", "contract.approval/reject", "contract.complete", "contract.terminate", "contract.amendments", "contract.patch",
        "po.approval/submit", "po.cancel", "po.pay", "po.receipts", "po.patch",
        "shipment.ship", "shipment.deliver", "shipment.cancel", "shipment.patch",
        "settings.numbering", "template.put", "template.preview",
        "invoice.issue", "invoice.void", "invoice.patch", "plan.put",
        "receipt.patch", "receipt.void",
    };

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task HostileBodiesAnswer4xxProblemsAndChangeNothing(string action)
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var target = await TargetAsync(admin, action);
        var before = await SnapshotAsync(admin, target);
        foreach (var body in HostileBodies(target))
        {
            using var request = new HttpRequestMessage(target.Method, target.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            if (target.IfMatch)
            {
                request.Headers.TryAddWithoutValidation("If-Match", before.ETag);
            }
            var response = await admin.SendAsync(request);
            var status = (int)response.StatusCode;
            var shown = body.Length > 200 ? $"{body.Length}-byte body {Encoding.UTF8.GetString(body, 0, 120)}…" : Encoding.UTF8.GetString(body);
            Assert.True(status is >= 400 and < 500, $"{action} answered {status} to {shown}: {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{action} answered {status} {response.Content.Headers.ContentType} to {shown}");
        }
        var after = await SnapshotAsync(admin, target);
        Assert.Equal(before, after);

        // The same record takes the good body: the refusals above were the bodies'.
        using var good = new HttpRequestMessage(target.Method, target.Url) { Content = target.Good is null ? null : new StringContent(target.Good.ToJsonString(), Encoding.UTF8, "application/json") };
        if (target.IfMatch)
        {
            good.Headers.TryAddWithoutValidation("If-Match", before.ETag);
        }
        var answer = await admin.SendAsync(good);
        Assert.True(answer.IsSuccessStatusCode, $"{action} refused its good body: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
    }

    private enum Field { Text, Enum, Date, Object, Lines, ReceiptLines, Columns, Labels }

    private sealed record Target(HttpMethod Method, string Url, string Read, JsonObject? Good, IReadOnlyDictionary<string, Field> Fields, bool IfMatch = false,
        string? ProductId = null, string? Count = null);

    private sealed record Snapshot(string? ETag, string Body, int Entries, int Counted);

    private static async Task<Snapshot> SnapshotAsync(HttpClient admin, Target target)
    {
        var read = await admin.GetAsync(target.Read);
        var body = await read.Content.ReadAsStringAsync();
        Assert.True(read.IsSuccessStatusCode, body);
        var entries = target.ProductId is null ? 0 : (await admin.GetJsonAsync($"/api/v1/inventory/products/{target.ProductId}/entries")).Items().Count;
        var counted = target.Count is null ? 0 : (await admin.GetJsonAsync(target.Count)).Items().Count;
        return new Snapshot(read.Headers.ETag?.Tag, body, entries, counted);
    }

    /// <summary>The record an action needs, made through the API and moved to the state where the action applies.</summary>
    private static async Task<Target> TargetAsync(HttpClient admin, string action)
    {
        var product = await admin.PostJsonAsync("/api/v1/products", new { code = "BOLT", name = "Bolt", listPrice = 2m, cost = 1m, taxRate = 13m }, HttpStatusCode.Created);
        var customer = await admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        object[] lines = [new { productId = product.Id(), quantity = 10m }];
        async Task Post(string url, object? body = null) =>
            await (await admin.PostAsync(url, body is null ? null : JsonContent.Create(body))).ExpectAsync(HttpStatusCode.OK);
        Dictionary<string, Field> reason = new() { ["reason"] = Field.Text };
        var why = new JsonObject { ["reason"] = "Because" };
        var (kind, verb) = (action.Split('.')[0], action.Split('.')[1]);
        switch (kind)
        {
            case "quote":
            {
                var quote = await admin.PostJsonAsync("/api/v1/quotes", new { name = "Kit", customerId = customer.Id(), lines }, HttpStatusCode.Created);
                var url = $"/api/v1/quotes/{quote.Id()}";
                if (verb == "convert")
                {
                    await Post($"{url}/stage", new { stage = "sent" });
                    await Post($"{url}/stage", new { stage = "accepted" });
                    return new(HttpMethod.Post, $"{url}/convert", url, null, new Dictionary<string, Field>(), Count: "/api/v1/contracts");
                }
                return verb == "stage"
                    ? new(HttpMethod.Post, $"{url}/stage", url, new JsonObject { ["stage"] = "sent" }, new Dictionary<string, Field> { ["stage"] = Field.Enum })
                    : new(HttpMethod.Patch, url, url, Renamed(), Patchable(), IfMatch: true);
            }
            case "contract":
            {
                var contract = await admin.PostJsonAsync("/api/v1/contracts", new { name = "Supply", customerId = customer.Id(), lines }, HttpStatusCode.Created);
                var url = $"/api/v1/contracts/{contract.Id()}";
                if (verb is "approval/withdraw" or "approval/approve" or "approval/reject")
                {
                    // A flow keeps the contract pending after the submission (without one it is approved at once).
                    await admin.PostJsonAsync("/api/v1/approval-flows", new
                    {
                        name = "Flow " + Api.Stamp(), documentType = "contract",
                        steps = new[] { new { name = "Admin", approvers = new { kind = "superior", levels = 1 } } },
                    }, HttpStatusCode.Created);
                }
                if (verb is "approval/withdraw" or "approval/approve" or "approval/reject" or "complete" or "terminate" or "amendments")
                {
                    await Post($"{url}/approval/submit");
                }
                return verb switch
                {
                    "patch" => new(HttpMethod.Patch, url, url, Renamed(), Patchable(), IfMatch: true),
                    "terminate" => new(HttpMethod.Post, $"{url}/{verb}", url, why, reason),
                    "approval/reject" or "approval/approve" => new(HttpMethod.Post, $"{url}/{verb}", $"{url}/approval", new JsonObject { ["comment"] = "Fine" },
                        new Dictionary<string, Field> { ["comment"] = Field.Text }),
                    "amendments" => new(HttpMethod.Post, $"{url}/amendments", url, new JsonObject { ["reason"] = "Extend", ["changes"] = Renamed() },
                        new Dictionary<string, Field> { ["reason"] = Field.Text, ["changes"] = Field.Object }),
                    _ => new(HttpMethod.Post, $"{url}/{verb}", url, null, new Dictionary<string, Field>()),
                };
            }
            case "po":
            {
                var vendor = await admin.PostJsonAsync("/api/v1/vendors", new { name = "Acme " + Api.Stamp() }, HttpStatusCode.Created);
                var order = await admin.PostJsonAsync("/api/v1/purchase-orders", new { name = "Restock", vendorId = vendor.Id(), lines }, HttpStatusCode.Created);
                var url = $"/api/v1/purchase-orders/{order.Id()}";
                if (verb is "receipts" or "pay")
                {
                    await Post($"{url}/approval/submit");
                }
                var receipt = new JsonObject { ["lines"] = new JsonArray(new JsonObject { ["productId"] = product.Id(), ["quantity"] = 10 }), ["note"] = "Truck" };
                if (verb == "pay")
                {
                    await (await admin.PostAsync($"{url}/receipts", JsonContent.Create(receipt))).ExpectAsync(HttpStatusCode.Created);
                }
                return verb switch
                {
                    "patch" => new(HttpMethod.Patch, url, url, Renamed(), Patchable(), IfMatch: true),
                    "cancel" => new(HttpMethod.Post, $"{url}/{verb}", url, why, reason),
                    "pay" => new(HttpMethod.Post, $"{url}/pay", url, new JsonObject { ["paidOn"] = "2026-12-06", ["reference"] = "Bank 778" },
                        new Dictionary<string, Field> { ["paidOn"] = Field.Date, ["reference"] = Field.Text }),
                    "receipts" => new(HttpMethod.Post, $"{url}/receipts", url, receipt,
                        new Dictionary<string, Field> { ["lines"] = Field.ReceiptLines, ["note"] = Field.Text, ["warehouseId"] = Field.Text }, ProductId: product.Id()),
                    _ => new(HttpMethod.Post, $"{url}/{verb}", url, null, new Dictionary<string, Field>()),
                };
            }
            case "invoice" or "plan":
            {
                var contract = await PaymentPlanSetup.ActiveContractAsync(admin);
                if (kind == "plan")
                {
                    var installment = new JsonObject { ["number"] = 1, ["plannedAmount"] = 100, ["plannedDate"] = "2027-01-15", ["method"] = "cash" };
                    return new(HttpMethod.Put, $"{contract.Url}/payment-plan", $"{contract.Url}/payment-plan", new JsonObject { ["installments"] = new JsonArray(installment) },
                        new Dictionary<string, Field> { ["installments"] = Field.Lines }, IfMatch: true);
                }
                var invoice = await admin.PostJsonAsync("/api/v1/invoices", new { customerId = contract.CustomerId, contractId = contract.ContractId, title = "Buyer", amount = 100m },
                    HttpStatusCode.Created);
                var url = $"/api/v1/invoices/{invoice.Id()}";
                return verb switch
                {
                    "patch" => new(HttpMethod.Patch, url, url, new JsonObject { ["title"] = "Renamed" },
                        new Dictionary<string, Field> { ["title"] = Field.Text, ["type"] = Field.Enum, ["note"] = Field.Text, ["customFields"] = Field.Object }, IfMatch: true),
                    "issue" => new(HttpMethod.Post, $"{url}/issue", url, new JsonObject { ["invoiceNumber"] = "24312000000012345678", ["issuedOn"] = "2026-12-07" },
                        new Dictionary<string, Field> { ["invoiceNumber"] = Field.Text }),
                    _ => new(HttpMethod.Post, $"{url}/void", url, why, reason),
                };
            }
            case "receipt":
            {
                var contract = await PaymentPlanSetup.ActiveContractAsync(admin);
                var receipt = await admin.PostJsonAsync("/api/v1/receipts", new { contractId = contract.ContractId, amount = 100m, receivedOn = PaymentPlanSetup.TenantToday() },
                    HttpStatusCode.Created);
                var url = $"/api/v1/receipts/{receipt.Id()}";
                if (verb == "patch")
                {
                    return new(HttpMethod.Patch, url, url, new JsonObject { ["payer"] = "Parent Co" }, new Dictionary<string, Field>
                        { ["payer"] = Field.Text, ["method"] = Field.Enum, ["receivedOn"] = Field.Date, ["customFields"] = Field.Object }, IfMatch: true);
                }
                // No receipt flow: submitting approves it at once, so it may be voided.
                await Post($"{url}/approval/submit", null);
                return new(HttpMethod.Post, $"{url}/void", url, why, reason, IfMatch: true);
            }
            case "shipment":
            {
                var shipment = await admin.PostJsonAsync("/api/v1/shipments", new { customerId = customer.Id(), lines }, HttpStatusCode.Created);
                var url = $"/api/v1/shipments/{shipment.Id()}";
                var ship = new JsonObject { ["carrier"] = "SF", ["trackingNumber"] = "SF1", ["allowNegative"] = true };
                if (verb == "deliver")
                {
                    await Post($"{url}/ship", ship);
                }
                return verb switch
                {
                    "patch" => new(HttpMethod.Patch, url, url, new JsonObject { ["carrier"] = "EMS" },
                        new Dictionary<string, Field> { ["carrier"] = Field.Text, ["lines"] = Field.Lines }, IfMatch: true),
                    "ship" => new(HttpMethod.Post, $"{url}/ship", url, ship, new Dictionary<string, Field> { ["carrier"] = Field.Text, ["trackingNumber"] = Field.Text },
                        ProductId: product.Id()),
                    "cancel" => new(HttpMethod.Post, $"{url}/cancel", url, why, reason),
                    _ => new(HttpMethod.Post, $"{url}/{verb}", url, null, new Dictionary<string, Field>(), ProductId: product.Id()),
                };
            }
            case "settings":
                return new(HttpMethod.Patch, "/api/v1/settings/numbering", "/api/v1/settings/numbering", new JsonObject { ["quotes"] = "Q-{seq}" },
                    new Dictionary<string, Field> { ["quotes"] = Field.Text, ["contracts"] = Field.Text, ["purchaseOrders"] = Field.Text });
            default:
            {
                var fields = new Dictionary<string, Field>
                {
                    ["header"] = Field.Text, ["footer"] = Field.Text, ["accentColor"] = Field.Text, ["pageSize"] = Field.Enum, ["html"] = Field.Text,
                    ["columns"] = Field.Columns, ["labels"] = Field.Labels,
                };
                var good = new JsonObject { ["header"] = "Acme Ltd", ["accentColor"] = "#112233" };
                return verb == "put"
                    ? new(HttpMethod.Put, "/api/v1/document-templates/quote", "/api/v1/document-templates/quote", good, fields, IfMatch: true)
                    : new(HttpMethod.Post, "/api/v1/document-templates/quote/preview?format=html", "/api/v1/document-templates/quote", good, fields);
            }
        }
    }

    private static JsonObject Renamed() => new() { ["name"] = "Renamed" };

    private static Dictionary<string, Field> Patchable() => new() { ["name"] = Field.Text, ["lines"] = Field.Lines, ["description"] = Field.Text, ["customFields"] = Field.Object };

    /// <summary>Bodies no action should take: broken JSON and wrong shapes of the whole body, then each field in turn spoiled inside the good body.</summary>
    private static IEnumerable<byte[]> HostileBodies(Target target)
    {
        var good = target.Good?.ToJsonString() ?? "{}";
        string[] whole =
        [
            good[..^1] + ",", "{\"reason\":", "[]", "\"text\"", "42", "1e400", "{\"\\ud800\":1}", "{\"unexpected\":1}", "{\"reason\":\"\\ud800\"}",
            new string('[', 10_000) + new string(']', 10_000), string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000),
        ];
        foreach (var body in whole)
        {
            yield return Encoding.UTF8.GetBytes(body);
        }
        yield return [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        var line = new JsonObject { ["productId"] = "01aaaaaaaaaaaaaaaaaaaaaaaa", ["quantity"] = 1 };
        foreach (var (name, kind) in target.Fields)
        {
            string[] values = kind switch
            {
                Field.Text => ["\"\\ud800\"", $"\"{Big}\"", "42", "[]", "{}", "1e400"],
                Field.Enum => ["\"\\ud800\"", $"\"{Big}\"", "42", "[]", "\"nonsense\"", "1e400"],
                Field.Date => ["\"\\ud800\"", $"\"{Big}\"", "42", "\"2026-02-30\"", "\"yesterday\"", "1e400", "null"],
                Field.Object => ["\"\\ud800\"", $"\"{Big}\"", "42", "[]", "{\"\\ud800\":1}", $"{{\"name\":\"{Big}\"}}", "{\"name\":42}", "{\"lines\":[null]}",
                    "{\"lines\":[{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1e400}]}", "{\"endDate\":1e400}", "{\"unexpected\":1}"],
                Field.Lines => ["\"no\"", "42", "{}", "[null]", "[42]", "[\"\\ud800\"]", Many(line, 10_000), "[{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":1e400}]",
                    "[{\"productId\":\"01aaaaaaaaaaaaaaaaaaaaaaaa\",\"quantity\":\"many\"}]", $"[{{\"productId\":\"{Big}\",\"quantity\":1}}]", "[{\"field\":\"nonsense\"}]"],
                Field.Columns => ["null", "\"no\"", "42", "{}", "[]", "[null]", "[42]", "[{\"field\":\"nonsense\"}]", "[{\"field\":\"name\",\"label\":42}]",
                    $"[{{\"field\":\"name\",\"label\":\"{Big}\"}}]", Many(new JsonObject { ["field"] = "name" }, 10_000)],
                Field.Labels => ["null", "\"no\"", "42", "[]", "{\"title\":null}", "{\"title\":42}", $"{{\"title\":\"{Big}\"}}", "{\"nonsense\":\"x\"}", "{\"title\":\"\\ud800\"}"],
                _ => ["\"no\"", "42", "{}", "[]", "null", "[null]", "[42]", "[{}]", "[{\"quantity\":1}]", Many(target.Good!["lines"]![0]!.AsObject(), 10_000),
                    $"[{{\"productId\":\"{target.ProductId}\",\"quantity\":1e400}}]", $"[{{\"productId\":\"{target.ProductId}\",\"quantity\":-1}}]",
                    $"[{{\"productId\":\"{Big}\",\"quantity\":1}}]", "[{\"productId\":\"\\ud800\",\"quantity\":1}]"],
            };
            foreach (var value in values)
            {
                // Spliced in as text: a JSON node would refuse (or re-escape) the lone surrogate and the overflowing number.
                var body = (target.Good?.DeepClone() as JsonObject) ?? [];
                body[name] = Hole;
                yield return Encoding.UTF8.GetBytes(body.ToJsonString().Replace($"\"{Hole}\"", value, StringComparison.Ordinal));
            }
        }
    }

    private static string Many(JsonObject line, int count) => "[" + string.Join(",", Enumerable.Repeat(line.ToJsonString(), count)) + "]";
}
