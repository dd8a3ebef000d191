using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Access;
using Crm.Commerce.Documents;
using Crm.Domain.Access;
using UglyToad.PdfPig;

namespace Crm.ApiTests.Commerce;

/// <summary>Document templates through HTTP: the built-in default, guarded replacement, the vocabulary check and previews.</summary>
public sealed class DocumentTemplateApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string Url = "/api/v1/document-templates/quote";

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    [Fact]
    public async Task ATenantReadsTheBuiltInTemplateAndReplacesItOnlyNamingTheVersionItRead()
    {
        var admin = (await app.NewTenantAsync()).Admin;
        var builtIn = await admin.GetAsync(Url);
        var view = await builtIn.ExpectAsync(HttpStatusCode.OK);
        Assert.True(view.GetProperty("builtIn").GetBoolean());
        Assert.Equal("\"builtin\"", builtIn.Headers.ETag?.Tag);
        Assert.Equal("a4", view.GetProperty("template").GetProperty("pageSize").GetString());

        var template = new { accentColor = "#AA3300", pageSize = "letter", header = "{{seller.address}}\n开户行：招商银行", labels = new Dictionary<string, string> { ["gross"] = "合计" },
            columns = new[] { new { field = "name", label = (string?)"品名" }, new { field = "quantity", label = (string?)null }, new { field = "gross", label = (string?)"金额" } } };
        await (await PutAsync(admin, Url, template, null)).ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "record.if_match_required");
        var saved = await PutAsync(admin, Url, template, "\"builtin\"");
        var savedView = await saved.ExpectAsync(HttpStatusCode.OK);
        Assert.False(savedView.GetProperty("builtIn").GetBoolean());
        var etag = saved.Headers.ETag!.Tag;

        await (await PutAsync(admin, Url, template, "\"builtin\"")).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        var read = await admin.GetAsync(Url);
        var stored = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(etag, read.Headers.ETag!.Tag);
        Assert.Equal("#AA3300", stored.GetProperty("template").GetProperty("accentColor").GetString());
        Assert.Equal("合计", stored.GetProperty("template").GetProperty("labels").GetProperty("gross").GetString());
        await (await PutAsync(admin, Url, template with { }, etag)).ExpectAsync(HttpStatusCode.OK);

        // Other kinds keep the built-in one; an unknown kind is not found.
        Assert.True((await admin.GetJsonAsync("/api/v1/document-templates/contract")).GetProperty("builtIn").GetBoolean());
        await (await admin.GetAsync("/api/v1/document-templates/invoice")).ExpectProblemAsync(HttpStatusCode.NotFound, "documentTemplate.not_found");
    }

    [Fact]
    public async Task UnknownPlaceholdersOversizedFieldsAndActiveMarkupAreRefusedChangingNothing()
    {
        var admin = (await app.NewTenantAsync()).Admin;
        var problem = await (await PutAsync(admin, Url, new { html = "<p>{{buyer.fax}} {{number}} {{ total }}</p>", footer = "{{header}}" }, "*"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "documentTemplate.unknown_placeholder");
        var html = problem.GetProperty("errors").GetProperty("html").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["Unknown placeholder {{buyer.fax}}.", "Unknown placeholder {{ total }}."], html);
        Assert.Contains("{{header}}", problem.GetProperty("errors").GetProperty("footer")[0].GetString());

        await (await PutAsync(admin, Url, new { html = new string('x', DocumentLimits.HtmlChars + 1) }, "*"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await PutAsync(admin, Url, new { html = "<p>{{number}}</p><script>alert(1)</script>" }, "*"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await PutAsync(admin, Url, new { accentColor = "red;}" }, "*")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await PutAsync(admin, Url, new { labels = new Dictionary<string, string> { ["nope"] = "x" } }, "*")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True((await admin.GetJsonAsync(Url)).GetProperty("builtIn").GetBoolean());
    }

    [Fact]
    public async Task APdfPreviewPrintsTheChineseSampleAndItsTotals()
    {
        var admin = (await app.NewTenantAsync()).Admin;
        var response = await admin.PostAsync($"{Url}/preview?format=pdf", null);
        await response.ExpectPdfAsync();
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        var text = string.Concat(pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.Value));
        var sample = DocumentSample.Create(Crm.Domain.Commerce.PrintableKind.Quote);
        Assert.Contains(DocumentSample.SellerName, text);
        Assert.Contains(DocumentSample.BuyerName, text);
        Assert.Contains(DocumentValues.FormatAmount(sample.Totals.Gross, "CNY"), text);
        Assert.Contains("1 / 1", text);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("quote-Q-2026-0001.pdf", response.Content.Headers.ContentDisposition!.ToString());

        // A draft in the body is previewed without being saved; a bad format is a 400.
        var draft = await admin.PostAsJsonAsync($"{Url}/preview", new { labels = new Dictionary<string, string> { ["gross"] = "总计" } });
        await draft.ExpectPdfAsync();
        using var drafted = PdfDocument.Open(await draft.Content.ReadAsByteArrayAsync());
        Assert.Contains("总计", string.Concat(drafted.GetPage(1).Letters.Select(l => l.Value)));
        Assert.True((await admin.GetJsonAsync(Url)).GetProperty("builtIn").GetBoolean());
        await (await admin.PostAsync($"{Url}/preview?format=docx", null)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task AnHtmlPreviewIsAStandalonePageUnderAStrictPolicyWithEveryValueEncoded()
    {
        var admin = (await app.NewTenantAsync()).Admin;
        var put = await PutAsync(admin, Url, new { html = "<h1>{{seller.name}}</h1><p>{{notes}}</p><table>{{#lines}}<tr>{{line.cells}}</tr>{{/lines}}</table>", footer = "<script>x</script>" }, "\"builtin\"");
        await put.ExpectAsync(HttpStatusCode.OK);

        var response = await admin.PostAsync($"{Url}/preview?format=html", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains($"<h1>{DocumentSample.SellerName}</h1>", html);
        Assert.Contains("感谢您的惠顾", html);
        Assert.Equal(3, html.Split("<tr>").Length - 1);

        // Values a draft cannot smuggle markup through: the footer is text, so its tags come out encoded.
        var draft = await admin.PostAsJsonAsync($"{Url}/preview?format=html", new { html = "<footer>{{footer}}</footer>", footer = "<script>alert(1)</script>" });
        var page = Encoding.UTF8.GetString(await draft.Content.ReadAsByteArrayAsync());
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script", page);
    }

    [Fact]
    public async Task TemplatesNeedTheSettingsPermission()
    {
        var tenant = await app.NewTenantAsync();
        var (_, member) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.Self, ["customers.view", "products.view"]));

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(member, Url, new { }, "*")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"{Url}/preview", null)).StatusCode);
        Assert.True((await tenant.Admin.GetJsonAsync(Url)).GetProperty("builtIn").GetBoolean());
    }
}

internal static class PdfResponses
{
    public static async Task ExpectPdfAsync(this HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
    }
}
