using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Roles;
using Crm.ApiTests.Sales;
using Crm.ApiTests.Transfers;
using Crm.Domain.Access;

namespace Crm.ApiTests.Commerce;

/// <summary>The catalogue through HTTP: categories, products, services, vendors, price books, and what sales records ask of them.</summary>
public sealed class CatalogueApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Missing = "01aaaaaaaaaaaaaaaaaaaaaaaa";

    private static async Task<JsonElement> ProductAsync(HttpClient client, object body) =>
        await client.PostJsonAsync("/api/v1/products", body, HttpStatusCode.Created);

    [Fact]
    public async Task CategoriesAreATreeThatRefusesCyclesDuplicatesAndDeletesOfNonEmptyNodes()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var root = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Hardware" }, HttpStatusCode.Created);
        var child = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Servers", parentId = root.Id() }, HttpStatusCode.Created);
        var grandchild = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Blades", parentId = child.Id() }, HttpStatusCode.Created);
        var other = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Software" }, HttpStatusCode.Created);

        var tree = await admin.GetJsonAsync("/api/v1/product-categories/tree");
        Assert.Equal(["Hardware", "Software"], tree.EnumerateArray().Select(n => n.Str("name")));
        Assert.Equal("Blades", tree[0].GetProperty("children")[0].GetProperty("children")[0].Str("name"));

        await (await admin.PostAsJsonAsync("/api/v1/product-categories", new { name = "servers", parentId = root.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.duplicate_name");
        await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Servers", parentId = other.Id() }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/v1/product-categories", new { name = "X", parentId = Missing }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "productCategory.parent_not_found");

        await (await admin.PatchJsonAsync($"/api/v1/product-categories/{root.Id()}", new { parentId = grandchild.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.cycle");
        await (await admin.PatchJsonAsync($"/api/v1/product-categories/{root.Id()}", new { parentId = root.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.cycle");
        Assert.Equal(JsonValueKind.Null, (await admin.GetJsonAsync($"/api/v1/product-categories/{root.Id()}")).GetProperty("parentId").ValueKind);

        // A move and a rename; a rename onto a sibling's name is refused.
        var moved = await (await admin.PatchJsonAsync($"/api/v1/product-categories/{grandchild.Id()}", new { parentId = root.Id(), name = "Blade servers" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(root.Id(), moved.Str("parentId"));
        await (await admin.PatchJsonAsync($"/api/v1/product-categories/{moved.Id()}", new { name = "SERVERS" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.duplicate_name");

        await (await admin.DeleteAsync($"/api/v1/product-categories/{root.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.has_children");
        var product = await ProductAsync(admin, new { code = "P-1", name = "Blade", categoryId = moved.Id() });
        await (await admin.DeleteAsync($"/api/v1/product-categories/{moved.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.not_empty");
        var service = await admin.PostJsonAsync("/api/v1/services", new { code = "S-1", name = "Install", categoryId = child.Id(), unit = "hours" }, HttpStatusCode.Created);
        await (await admin.DeleteAsync($"/api/v1/product-categories/{child.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.not_empty");
        await (await admin.PatchJsonAsync($"/api/v1/services/{service.Id()}", new { categoryId = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PatchJsonAsync($"/api/v1/products/{product.Id()}", new { categoryId = (string?)null })).ExpectAsync(HttpStatusCode.OK);

        // Emptied, the leaves go, then the root; the child comes back only once its parent has.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/product-categories/{moved.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/product-categories/{child.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/product-categories/{root.Id()}")).StatusCode);
        await (await admin.PostAsync($"/api/v1/recycle-bin/productCategory/{child.Id()}/restore", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.parent_deleted");
        await (await admin.PostAsync($"/api/v1/recycle-bin/productCategory/{root.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/v1/recycle-bin/productCategory/{child.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["Servers"], (await admin.GetJsonAsync("/api/v1/product-categories/tree"))[0].GetProperty("children").EnumerateArray().Select(n => n.Str("name")));
    }

    [Fact]
    public async Task ACategoryWithProductsOrServicesInTheRecycleBinIsNotDeletedSoARestoreNeverLandsInAMissingCategory()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var category = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Tools" }, HttpStatusCode.Created);
        var url = $"/api/v1/product-categories/{category.Id()}";
        var drill = await ProductAsync(admin, new { code = "DRL", name = "Drill", categoryId = category.Id() });
        var install = await admin.PostJsonAsync("/api/v1/services", new { code = "INS", name = "Install", categoryId = category.Id(), unit = "hours" }, HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/products/{drill.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/services/{install.Id()}")).StatusCode);

        // Both are only in the bin, and both still hold the category: the delete says so and names them.
        var refused = await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.has_binned_items");
        Assert.Contains("recycle bin", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Contains("'Drill' (DRL)", refused.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(new[] { drill.Id(), install.Id() }.Order(), refused.GetProperty("binnedItemIds").EnumerateArray().Select(e => e.GetString()!).Order());
        await admin.GetJsonAsync(url);

        // Restored and moved, the product no longer holds it; purged, the service is gone for good: then the category goes.
        await (await admin.PostAsync($"/api/v1/recycle-bin/product/{drill.Id()}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(category.Id(), (await admin.GetJsonAsync($"/api/v1/products/{drill.Id()}")).Str("categoryId"));
        await (await admin.PatchJsonAsync($"/api/v1/products/{drill.Id()}", new { categoryId = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.DeleteAsync(url)).ExpectProblemAsync(HttpStatusCode.Conflict, "productCategory.has_binned_items");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/recycle-bin/service/{install.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(url)).StatusCode);
    }

    [Fact]
    public async Task ProductsHoldTheirFiguresAndRefuseBadOnesChangingNothing()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var category = await admin.PostJsonAsync("/api/v1/product-categories", new { name = "Tools" }, HttpStatusCode.Created);
        var vendor = await admin.PostJsonAsync("/api/v1/vendors", new { name = "Acme Supply" }, HttpStatusCode.Created);
        var gift = await ProductAsync(admin, new { code = "GIFT-1", name = "Mug" });
        var product = await ProductAsync(admin, new
        {
            code = "DRL-100", name = "Drill", categoryId = category.Id(), model = "D1", unit = "pcs", listPrice = 199.5m, cost = 80m, taxRate = 13m,
            vendorId = vendor.Id(), description = "Cordless", reorderLevel = 5m, giftItems = new[] { new { productId = gift.Id(), quantity = 2m } },
            managerId = tenant.AdminUserId,
        });
        Assert.Equal("CNY", product.Str("currency"));
        Assert.True(product.GetProperty("onShelf").GetBoolean());
        Assert.Equal(2m, product.GetProperty("giftItems")[0].GetProperty("quantity").GetDecimal());
        Assert.Equal(vendor.Id(), product.Str("vendorId"));

        async Task Bad(object body, HttpStatusCode status, string code, string? field = null)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/products", body)).ExpectProblemAsync(status, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        await Bad(new { code = "drl-100", name = "Again" }, HttpStatusCode.Conflict, "product.duplicate_code");
        await Bad(new { code = "ＤＲＬ－１００", name = "Wide" }, HttpStatusCode.Conflict, "product.duplicate_code");
        await Bad(new { code = "N1", name = "N", categoryId = Missing }, HttpStatusCode.BadRequest, "product.category_not_found", "categoryId");
        await Bad(new { code = "N1", name = "N", vendorId = Missing }, HttpStatusCode.BadRequest, "vendor.not_found", "vendorId");
        await Bad(new { code = "N1", name = "N", managerId = Missing }, HttpStatusCode.BadRequest, "product.manager_not_found", "managerId");
        await Bad(new { code = "N1", name = "N", giftItems = new[] { new { productId = Missing, quantity = 1m } } }, HttpStatusCode.BadRequest, "product.not_found", "giftItems[0].productId");
        await Bad(new { code = "N1", name = "N", giftItems = new[] { new { productId = gift.Id(), quantity = 0m } } }, HttpStatusCode.BadRequest, "validation.failed", "giftItems[0].quantity");
        await Bad(new { code = "N1", name = "N", taxRate = 101m }, HttpStatusCode.BadRequest, "validation.failed", "taxRate");
        await Bad(new { code = "N1", name = "N", listPrice = -1m }, HttpStatusCode.BadRequest, "validation.failed", "listPrice");
        await Bad(new { code = "N1", name = "N", cost = -1m }, HttpStatusCode.BadRequest, "validation.failed", "cost");
        await Bad(new { code = "N1", name = "N", currency = "eur" }, HttpStatusCode.BadRequest, "validation.failed", "currency");
        await Bad(new { code = "N1", name = "" }, HttpStatusCode.BadRequest, "validation.failed", "name");
        await Bad(new { code = "N1", name = "N", reorderLevel = -2m }, HttpStatusCode.BadRequest, "validation.failed", "reorderLevel");
        Assert.Equal(2, (await admin.GetJsonAsync("/api/v1/products")).Items().Count);

        // A product is not its own gift; a patch that fails leaves the stored product as it was.
        var url = $"/api/v1/products/{product.Id()}";
        await (await admin.PatchJsonAsync(url, new { giftItems = new[] { new { productId = product.Id(), quantity = 1m } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync(url, new { code = "gift-1" })).ExpectProblemAsync(HttpStatusCode.Conflict, "product.duplicate_code");
        await (await admin.PatchJsonAsync(url, new { taxRate = -1m, name = "Changed" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PatchJsonAsync(url, new { currency = "usd" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var stored = await admin.GetJsonAsync(url);
        Assert.Equal((product.Str("version"), "Drill", "DRL-100", "CNY"), (stored.Str("version"), stored.Str("name"), stored.Str("code"), stored.Str("currency")));

        var euro = await (await admin.PatchJsonAsync(url, new { currency = "EUR", onShelf = false })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("EUR", euro.Str("currency"));

        // Search by name or code prefix, filters on the shelf and the category.
        Assert.Equal([product.Id()], (await admin.GetJsonAsync("/api/v1/products?q=dri")).Ids());
        Assert.Equal([product.Id()], (await admin.GetJsonAsync("/api/v1/products?q=drl")).Ids());
        Assert.Equal([gift.Id()], (await admin.GetJsonAsync("/api/v1/products?onShelf=true")).Ids());
        Assert.Equal([product.Id()], (await admin.GetJsonAsync($"/api/v1/products?categoryId={category.Id()}")).Ids());

        // A vendor named by a product stays.
        await (await admin.DeleteAsync($"/api/v1/vendors/{vendor.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "vendor.has_products");
        await (await admin.PatchJsonAsync(url, new { vendorId = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/vendors/{vendor.Id()}")).StatusCode);
    }

    [Fact]
    public async Task ProductsTakeCustomFields()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("products", "colour", "text");
        var product = await ProductAsync(tenant.Admin, new { code = "C-1", name = "Paint", customFields = new { colour = "red" } });
        Assert.Equal("red", product.GetProperty("customFields").Str("colour"));
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/products", new { code = "C-2", name = "Paint", customFields = new { nope = "x" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.unknown");
    }

    [Fact]
    public async Task ServicesHaveACamelCaseUnitAndTheirOwnCodes()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var service = await admin.PostJsonAsync("/api/v1/services", new { code = "SVC-1", name = "Support", unit = "period", listPrice = 1000m, taxRate = 6m }, HttpStatusCode.Created);
        Assert.Equal("period", service.Str("unit"));
        Assert.Equal("CNY", service.Str("currency"));
        await (await admin.PostAsJsonAsync("/api/v1/services", new { code = "svc-1", name = "Again", unit = "hours" })).ExpectProblemAsync(HttpStatusCode.Conflict, "service.duplicate_code");
        await (await admin.PostAsJsonAsync("/api/v1/services", new { code = "SVC-2", name = "Bad", unit = "weeks" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/services", new { code = "SVC-2", name = "Bad", taxRate = 100.5m })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/services", new { code = "SVC-2", name = "Bad", currency = "xx" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await admin.PostAsJsonAsync("/api/v1/services", new { code = "SVC-2", name = "Bad", categoryId = Missing })).ExpectProblemAsync(HttpStatusCode.BadRequest, "product.category_not_found");
        var days = await (await admin.PatchJsonAsync($"/api/v1/services/{service.Id()}", new { unit = "days" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("days", "CNY"), (days.Str("unit"), days.Str("currency")));
        await (await admin.PatchJsonAsync($"/api/v1/services/{service.Id()}", new { listPrice = -3m })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(1000m, (await admin.GetJsonAsync($"/api/v1/services/{service.Id()}")).GetProperty("listPrice").GetDecimal());
        Assert.Single((await admin.GetJsonAsync("/api/v1/services")).Items());
    }

    [Fact]
    public async Task VendorsHaveUniqueNamesAndValidatedContacts()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var vendor = await admin.PostJsonAsync("/api/v1/vendors", new
        {
            name = "Globex", phone = "010-12345678", email = "sales@globex.test", address = "1 Main St", category = "parts",
            contacts = new[] { new { name = "Wang", title = "Sales", phone = "138", email = "wang@globex.test" } },
        }, HttpStatusCode.Created);
        Assert.Equal("Wang", vendor.GetProperty("contacts")[0].Str("name"));
        await (await admin.PostAsJsonAsync("/api/v1/vendors", new { name = "GLOBEX" })).ExpectProblemAsync(HttpStatusCode.Conflict, "vendor.duplicate_name");
        var problem = await (await admin.PostAsJsonAsync("/api/v1/vendors", new
        {
            name = "Initech",
            contacts = new object[] { new { name = "Ok", email = "ok@x.test" }, new { name = "Bad", email = "not-an-email" } },
        })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("contacts[1].email", problem.ErrorFields());
        var noName = await (await admin.PostAsJsonAsync("/api/v1/vendors", new { name = "Initech", contacts = new[] { new { name = "" } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("contacts[0].name", noName.ErrorFields());
        await (await admin.PatchJsonAsync($"/api/v1/vendors/{vendor.Id()}", new { contacts = new[] { new { name = "Li", email = "bad" } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal("Wang", (await admin.GetJsonAsync($"/api/v1/vendors/{vendor.Id()}")).GetProperty("contacts")[0].Str("name"));
        Assert.Single((await admin.GetJsonAsync("/api/v1/vendors")).Items());
    }

    [Fact]
    public async Task PriceBooksPriceRealItemsOnceInAFixedCurrency()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var product = await ProductAsync(admin, new { code = "P-1", name = "Widget", listPrice = 10m });
        var service = await admin.PostJsonAsync("/api/v1/services", new { code = "S-1", name = "Setup", unit = "times" }, HttpStatusCode.Created);
        var book = await admin.PostJsonAsync("/api/v1/price-books", new
        {
            name = "Wholesale", currency = "CNY",
            prices = new object[] { new { itemId = product.Id(), price = 8m }, new { itemId = service.Id(), price = 0m } },
        }, HttpStatusCode.Created);
        Assert.Equal(["product", "service"], book.GetProperty("prices").EnumerateArray().Select(p => p.Str("kind")));
        Assert.True(book.GetProperty("active").GetBoolean());

        async Task Bad(object body, HttpStatusCode status, string code, string? field = null)
        {
            var problem = await (await admin.PostAsJsonAsync("/api/v1/price-books", body)).ExpectProblemAsync(status, code);
            if (field is not null)
            {
                Assert.Contains(field, problem.ErrorFields());
            }
        }
        await Bad(new { name = "wholesale", currency = "CNY" }, HttpStatusCode.Conflict, "priceBook.duplicate_name");
        await Bad(new { name = "B", currency = "cny" }, HttpStatusCode.BadRequest, "validation.failed", "currency");
        await Bad(new { name = "B" }, HttpStatusCode.BadRequest, "validation.failed", "currency");
        await Bad(new { name = "B", currency = "CNY", prices = new[] { new { itemId = Missing, price = 1m } } }, HttpStatusCode.BadRequest, "product.not_found", "prices[0].itemId");
        await Bad(new { name = "B", currency = "CNY", prices = new[] { new { itemId = product.Id(), price = -1m } } }, HttpStatusCode.BadRequest, "validation.failed", "prices[0].price");
        await Bad(new { name = "B", currency = "CNY", prices = new[] { new { itemId = product.Id(), price = 1m }, new { itemId = product.Id(), price = 2m } } },
            HttpStatusCode.BadRequest, "validation.failed", "prices");
        Assert.Single((await admin.GetJsonAsync("/api/v1/price-books")).Items());

        var url = $"/api/v1/price-books/{book.Id()}";
        await (await admin.PatchJsonAsync(url, new { currency = "EUR" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "priceBook.currency_fixed");
        // A kind sent by the client is replaced by the catalogue's.
        var repriced = await (await admin.PatchJsonAsync(url, new { prices = new[] { new { itemId = product.Id(), kind = "service", price = 9m } } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("product", 9m), (repriced.GetProperty("prices")[0].Str("kind"), repriced.GetProperty("prices")[0].GetProperty("price").GetDecimal()));
        Assert.Equal("CNY", (await admin.GetJsonAsync(url)).Str("currency"));
    }

    [Fact]
    public async Task CatalogueRightsAreModulePermissionsWithoutScope()
    {
        var tenant = await app.NewTenantAsync();
        var product = await ProductAsync(tenant.Admin, new { code = "P-1", name = "Widget" });
        var (_, nobody) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.view"]));
        var (_, viewer) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self, ["products.view", "services.view", "vendors.view", "pricebooks.view"]));

        Assert.Equal(HttpStatusCode.Forbidden, (await nobody.GetAsync("/api/v1/products")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nobody.GetAsync($"/api/v1/products/{product.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nobody.GetAsync("/api/v1/product-categories/tree")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await nobody.PostAsJsonAsync("/api/v1/products/search", new { })).StatusCode);

        // The viewer sees every product (no data scope), though someone else wrote it, and changes nothing.
        Assert.Equal([product.Id()], (await viewer.GetJsonAsync("/api/v1/products")).Ids());
        await viewer.GetJsonAsync($"/api/v1/products/{product.Id()}");
        await viewer.GetJsonAsync("/api/v1/product-categories/tree");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/products", new { code = "P-2", name = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/products/batch/create", new { items = new[] { new { code = "P-3", name = "No" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PatchJsonAsync($"/api/v1/products/{product.Id()}", new { name = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync($"/api/v1/products/{product.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/product-categories", new { name = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/vendors", new { name = "No" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/v1/price-books", new { name = "No", currency = "CNY" })).StatusCode);
        Assert.NotEqual(HttpStatusCode.Accepted, (await viewer.ImportAsync("products", TransferSetup.Csv("code,name\r\nP-4,No\r\n"))).StatusCode);
        Assert.Equal("Widget", (await tenant.Admin.GetJsonAsync($"/api/v1/products/{product.Id()}")).Str("name"));
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/products")).Items());

        // A creator without import rights cannot start an import; one with import but no create has each row refused.
        var (_, importer) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["products.view", "products.import"]));
        var job = await importer.ImportAndWaitAsync("products", TransferSetup.Csv("code,name\r\nP-5,No\r\n"));
        TransferSetup.AssertCounts(job, failed: 1);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "products", ids = new[] { product.Id() }, format = "csv" }))).StatusCode);
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/products")).Items());
    }

    [Fact]
    public async Task ASalesRepViewsTheCatalogueButDoesNotEditIt()
    {
        var tenant = await app.NewTenantAsync();
        var product = await ProductAsync(tenant.Admin, new { code = "P-1", name = "Widget" });
        var repRole = await tenant.BuiltInRoleIdAsync("salesRep");
        var rep = await tenant.Admin.GetJsonAsync($"/api/v1/roles/{repRole}");
        var permissions = rep.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("products.view", permissions);
        Assert.DoesNotContain("products.edit", permissions);
        Assert.DoesNotContain("products.create", permissions);
        var (_, client) = await tenant.NewMemberAsync(null, null, repRole);
        Assert.Equal([product.Id()], (await client.GetJsonAsync("/api/v1/products")).Ids());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PatchJsonAsync($"/api/v1/products/{product.Id()}", new { name = "No" })).StatusCode);
    }

    [Fact]
    public async Task ProductsImportAndExportAsCsvAndXlsx()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var job = await admin.ImportAndWaitAsync("products", TransferSetup.Csv("code,name,listPrice,taxRate\r\nIMP-1,Imported one,12.5,13\r\nIMP-2,Imported two,3,6\r\nIMP-3,Bad tax,1,200\r\n"));
        TransferSetup.AssertCounts(job, created: 2, failed: 1);
        var all = await admin.ListAllAsync("/api/v1/products");
        Assert.Equal(2, all.Count);
        Assert.Equal(12.5m, all.Single(p => p.Str("code") == "IMP-1").GetProperty("listPrice").GetDecimal());

        var export = await admin.ExportAndWaitAsync(new { entityType = "products", ids = all.Select(p => p.Id()).ToArray(), format = "csv", fields = new[] { "code", "name" } });
        Assert.Equal(("succeeded", 2), (export.Str("status"), export.GetProperty("total").GetInt32()));
        var text = await (await admin.GetAsync($"/api/v1/exports/{export.Id()}/file")).Content.ReadAsStringAsync();
        Assert.Contains("IMP-1,Imported one", text, StringComparison.Ordinal);
        var xlsx = await admin.ExportAndWaitAsync(new { entityType = "products", ids = all.Select(p => p.Id()).ToArray(), format = "xlsx" });
        Assert.Equal("succeeded", xlsx.Str("status"));
        var bytes = await (await admin.GetAsync($"/api/v1/exports/{xlsx.Id()}/file")).Content.ReadAsByteArrayAsync();
        var again = await admin.ImportAndWaitAsync("services", TransferSetup.Csv("code,name,unit\r\nS-9,Imported service,hours\r\n"));
        TransferSetup.AssertCounts(again, created: 1);
        Assert.True(bytes.Length > 0);
    }

    [Fact]
    public async Task OpportunityLinesNameOnShelfProductsFromNowOn()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var customer = await admin.CreateCustomerAsync(SalesSetup.Unique("Buyer"));
        var product = await ProductAsync(admin, new { code = "P-1", name = "Widget" });
        var other = await ProductAsync(admin, new { code = "P-2", name = "Gadget" });
        var service = await admin.PostJsonAsync("/api/v1/services", new { code = "S-1", name = "Setup", unit = "times" }, HttpStatusCode.Created);
        object Line(string? id) => new { productId = id, name = "Line", quantity = 1, unitPrice = 1m, discount = 0m };

        var missing = await (await admin.PostAsJsonAsync("/api/v1/opportunities", new { name = "D", customerId = customer.Id(), productLines = new[] { Line(Missing) } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "product.not_found");
        Assert.Contains("productLines[0].productId", missing.ErrorFields());
        var deal = await admin.PostJsonAsync("/api/v1/opportunities", new { name = "D", customerId = customer.Id(), productLines = new[] { Line(product.Id()), Line(service.Id()), Line(null) } }, HttpStatusCode.Created);
        var url = $"/api/v1/opportunities/{deal.Id()}";

        await (await admin.PatchJsonAsync($"/api/v1/products/{product.Id()}", new { onShelf = false })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PatchJsonAsync($"/api/v1/products/{other.Id()}", new { onShelf = false })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync("/api/v1/opportunities", new { name = "E", customerId = customer.Id(), productLines = new[] { Line(product.Id()) } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "product.off_shelf");

        // The deal keeps its off-shelf line through other changes and when its lines are sent again, but cannot add another.
        await (await admin.PatchJsonAsync(url, new { nextStep = "Call" })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PatchJsonAsync(url, new { productLines = new[] { Line(product.Id()), Line(service.Id()) } })).ExpectAsync(HttpStatusCode.OK);
        await (await admin.PatchJsonAsync(url, new { productLines = new[] { Line(product.Id()), Line(other.Id()) } })).ExpectProblemAsync(HttpStatusCode.Conflict, "product.off_shelf");
        var stored = await admin.GetJsonAsync(url);
        Assert.Equal([product.Id(), service.Id()], stored.GetProperty("productLines").EnumerateArray().Select(l => l.Str("productId")));
    }

    [Fact]
    public async Task ACustomersDefaultPriceBookIsAnActiveOne()
    {
        var tenant = await app.NewTenantAsync();
        var admin = tenant.Admin;
        var book = await admin.PostJsonAsync("/api/v1/price-books", new { name = "Retail", currency = "CNY" }, HttpStatusCode.Created);
        var idle = await admin.PostJsonAsync("/api/v1/price-books", new { name = "Old", currency = "CNY", active = false }, HttpStatusCode.Created);
        await (await admin.PostAsJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("C"), defaultPriceBookId = Missing })).ExpectProblemAsync(HttpStatusCode.BadRequest, "priceBook.not_found");
        await (await admin.PostAsJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("C"), defaultPriceBookId = idle.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "priceBook.not_found");
        Assert.Empty((await admin.GetJsonAsync("/api/v1/customers")).Items());
        var customer = await admin.PostJsonAsync("/api/v1/customers", new { name = SalesSetup.Unique("C"), defaultPriceBookId = book.Id() }, HttpStatusCode.Created);
        Assert.Equal(book.Id(), customer.Str("defaultPriceBookId"));
        var problem = await (await admin.PatchJsonAsync($"/api/v1/customers/{customer.Id()}", new { defaultPriceBookId = idle.Id() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "priceBook.not_found");
        Assert.Contains("defaultPriceBookId", problem.ErrorFields());
        Assert.Equal(book.Id(), (await admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")).Str("defaultPriceBookId"));
    }
}
