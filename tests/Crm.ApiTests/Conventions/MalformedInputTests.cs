using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.ApiTests.Transfers;

namespace Crm.ApiTests.Conventions;

/// <summary>Input an outside probe sends (junk cursors, huge lists, broken forms, wrong types in computed fields) answers 4xx, never 500.</summary>
public sealed class MalformedInputTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Theory]
    [InlineData("a/b")]
    [InlineData("01jzzzzzzzzzzzzzzzzzzzzz/z")]
    [InlineData("x#y?z")]
    [InlineData("\\")]
    public async Task AChangeFeedCursorThatIsNoEventIdIsA400(string after)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/events?after={Uri.EscapeDataString(after)}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "events.unknown_event");
        Assert.Equal(["after"], problem.ErrorFields());
    }

    [Fact]
    public async Task AnExportOfTooManyIdsOrFieldsIsA400AndTwoThousandIdsAreFine()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var absent = Enumerable.Range(0, 1999).Select(i => "01jz" + i.ToString("D22")).Prepend(customer.Id()).ToArray();
        var job = await tenant.Admin.ExportAndWaitAsync(new { entityType = "customers", ids = absent, format = "csv", fields = new[] { "id", "name" } });
        Assert.Equal("succeeded", job.Str("status"));

        var tooMany = Enumerable.Range(0, 10_001).Select(i => "01jz" + i.ToString("D22")).ToArray();
        var problem = await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", ids = tooMany })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["ids"], problem.ErrorFields());

        var fields = Enumerable.Range(0, 10_000).Select(i => $"field{i}").ToArray();
        problem = await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", fields })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["fields"], problem.ErrorFields());
        problem = await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers", fields = new[] { "name", "name" } })))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["fields"], problem.ErrorFields());
    }

    public static TheoryData<string, string> BrokenForms => new()
    {
        { "multipart/form-data", "--zzz\r\nContent-Disposition: form-data; name=\"entityType\"\r\n\r\ncustomers\r\n--zzz--\r\n" },
        { "multipart/form-data; boundary=zzz", "name\nAcme\n" },
        { "multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"entityType\"\r\n\r\ncustomers\r\n--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\r\nname\r\nAcme\r\n" },
        { "multipart/form-data; boundary=" + new string('b', 100), "--" + new string('b', 100) + "\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenForms))]
    public async Task ABrokenMultipartBodyIsA400AndStartsNoImport(string contentType, string body)
    {
        var tenant = await app.NewTenantAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var problem = await (await tenant.Admin.PostAsync("/api/v1/imports", content)).ExpectProblemAsync(HttpStatusCode.BadRequest, "request.malformed_multipart");
        Assert.Contains("multipart/form-data", problem.GetProperty("errors").GetProperty("$")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/customers"));
    }

    [Fact]
    public async Task AComputedFieldWithTheWrongTypeIsRefusedAndWithTheRightTypeIsIgnored()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var line = """{"name":"Licence","quantity":10,"unitPrice":1000,"discount":10,"total":"lots"}""";
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/opportunities", $$"""{"name":"ERP","customerId":"{{customer.Id()}}","productLines":[{{line}}]}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["productLines[0].total"], problem.ErrorFields());

        // A client may send back a line as it read it: a total of the right type is taken as read-only.
        var deal = await (await tenant.Admin.PostJsonAsync("/api/v1/opportunities",
            $$"""{"name":"ERP","customerId":"{{customer.Id()}}","productLines":[{{line.Replace("\"lots\"", "1", StringComparison.Ordinal)}}]}"""))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(9000m, deal.GetProperty("productLines")[0].GetProperty("total").GetDecimal());

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/opportunities/{deal.Id()}")
        {
            Content = new StringContent($"{{\"productLines\":[{line}]}}", Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json")),
        };
        problem = await (await tenant.Admin.SendAsync(patch)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["productLines[0].total"], problem.ErrorFields());
        Assert.Equal(deal.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/opportunities/{deal.Id()}")).Str("version"));
    }

    /// <summary>A number is a number, as the OpenAPI document types it: "10" for a quantity is a 400 naming it, on create and patch.</summary>
    [Fact]
    public async Task ANumberSentAsAStringIsRefused()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/opportunities",
            $$"""{"name":"ERP","customerId":"{{customer.Id()}}","productLines":[{"name":"Licence","quantity":"10","unitPrice":1000}]}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["productLines[0].quantity"], problem.ErrorFields());

        var department = await tenant.CreateDepartmentAsync($"Sales {Api.Stamp()}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/departments/{department.Id()}")
        {
            Content = new StringContent("""{"sortOrder":"3"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json")),
        };
        problem = await (await tenant.Admin.SendAsync(patch)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["sortOrder"], problem.ErrorFields());
        Assert.Equal(department.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("version"));
    }
}
