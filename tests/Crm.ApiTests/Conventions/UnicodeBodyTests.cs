using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Conventions;

/// <summary>
/// A JSON string that is not Unicode text (an escaped lone surrogate, or invalid UTF-8 bytes) is refused with a
/// 400 naming the field on every route, however the body is read, and nothing is stored.
/// </summary>
public sealed class UnicodeBodyTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string LoneSurrogate = "\"Acme\\ud800 Ltd\"";
    private const string LowSurrogateFirst = "\"Acme\\udc00\\ud800\"";

    private static HttpRequestMessage Raw(HttpMethod method, string url, byte[] body, string contentType = "application/json") =>
        new(method, url) { Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } } };

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>"Acme" then the bytes FF FE, which no UTF-8 text contains.</summary>
    private static byte[] InvalidUtf8Name(string before = "{\"name\":\"", string after = "\"}") =>
        [.. Utf8(before + "Acme"), 0xFF, 0xFE, .. Utf8(after)];

    private static async Task ExpectFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
    }

    [Theory]
    [InlineData(LoneSurrogate)]
    [InlineData(LowSurrogateFirst)]
    public async Task MergePatchWithALoneSurrogateIsRefusedNamingTheFieldAndChangesNothing(string name)
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        foreach (var contentType in new[] { "application/merge-patch+json", "application/json" })
        {
            await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Patch, $"/api/v1/customers/{customer.Id()}", Utf8($"{{\"name\":{name}}}"), contentType)), "name");
        }
        var stored = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal((customer.Str("name"), customer.Str("version")), (stored.Str("name"), stored.Str("version")));
    }

    [Fact]
    public async Task MergePatchWithInvalidUtf8IsRefusedInsteadOfStoredAsReplacementCharacters()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Patch, $"/api/v1/customers/{customer.Id()}", InvalidUtf8Name())), "name");
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Post, "/api/v1/customers", InvalidUtf8Name())), "name");
        var stored = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}");
        Assert.Equal(customer.Str("version"), stored.Str("version"));
        Assert.DoesNotContain('\uFFFD', stored.Str("name"));
    }

    [Fact]
    public async Task BatchInputsNameTheItemAndFieldAndNothingIsWritten()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var create = $"{{\"inputs\":[{{\"name\":\"Fine {Api.Stamp()}\"}},{{\"name\":{LoneSurrogate}}}]}}";
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Post, "/api/v1/customers/batch/create", Utf8(create))), "inputs[1].name");
        var update = $"{{\"inputs\":[{{\"id\":\"{customer.Id()}\",\"patch\":{{\"tags\":[\"ok\",{LoneSurrogate}]}}}}]}}";
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Post, "/api/v1/customers/batch/update", Utf8(update))), "inputs[0].patch.tags[1]");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/customers"));
        Assert.Equal(customer.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}")).Str("version"));
    }

    [Fact]
    public async Task CustomFieldValuesAndLeadConversionPatchesAreCheckedToo()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("customers", "region", "text");
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Patch, $"/api/v1/customers/{customer.Id()}",
            Utf8($"{{\"customFields\":{{\"region\":{LoneSurrogate}}}}}"))), "customFields.region");

        var lead = await tenant.Admin.PostJsonAsync("/api/v1/leads", new { name = "Liu Yang", company = SalesSetup.Unique("Cobalt") }, HttpStatusCode.Created);
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Post, $"/api/v1/leads/{lead.Id()}/convert",
            Utf8($"{{\"customer\":{{\"name\":{LoneSurrogate}}}}}"))), "customer.name");
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Post, $"/api/v1/leads/{lead.Id()}/convert",
            InvalidUtf8Name("{\"contact\":{\"title\":\"", "\"}}"))), "contact.title");
        Assert.Equal(JsonValueKind.Null, (await tenant.Admin.GetJsonAsync($"/api/v1/leads/{lead.Id()}")).GetProperty("convertedAt").ValueKind);
    }

    [Fact]
    public async Task ACallerWithoutACredentialHears401WhateverTheBody()
    {
        var response = await app.CreateClient().SendAsync(Raw(HttpMethod.Patch, "/api/v1/customers/01jzzzzzzzzzzzzzzzzzzzzzzz", Utf8($"{{\"name\":{LoneSurrogate}}}")));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.not_authenticated");
    }

    [Fact]
    public async Task AnInvalidMemberNameIsRefusedToo()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        await ExpectFieldAsync(await tenant.Admin.SendAsync(Raw(HttpMethod.Patch, $"/api/v1/customers/{customer.Id()}",
            Utf8("{\"customFields\":{\"a\\ud800\":1}}"))), "customFields.(name)");
    }

    [Fact]
    public async Task PairedSurrogatesAndChineseTextAreStoredAsSent()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var patched = await (await tenant.Admin.SendAsync(Raw(HttpMethod.Patch, $"/api/v1/customers/{customer.Id()}",
            Utf8("{\"description\":\"\\ud83d\\ude00 上海 😀\"}")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("😀 上海 😀", patched.Str("description"));
    }
}
