using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>Bad input answers 400/415 as RFC 9457 problems naming the field, and never half-applies.</summary>
public sealed class ProblemDetailsTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ProblemCarriesTypeTitleStatusDetailInstanceCodeAndTraceId()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.GetAsync("/api/v1/departments/01jzzzzzzzzzzzzzzzzzzzzzzz");
        var problem = await response.ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        Assert.Equal("urn:crm:problem:department.not_found", problem.Str("type"));
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
        Assert.Equal("/api/v1/departments/01jzzzzzzzzzzzzzzzzzzzzzzz", problem.Str("instance"));
        Assert.False(string.IsNullOrEmpty(problem.Str("traceId")));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"name\":\"x\"")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public async Task RefusesMalformedJson(string body)
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostJsonAsync("/api/v1/departments", body);
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));
    }

    [Fact]
    public async Task RefusesEmptyBody()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostJsonAsync("/api/v1/departments", "");
        var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.TryGetProperty("code", out _));
    }

    [Theory]
    [InlineData("{\"name\":123}", "name")]
    [InlineData("{\"name\":\"Ok\",\"sortOrder\":\"first\"}", "sortOrder")]
    [InlineData("{\"name\":\"Ok\",\"sortOrder\":1.5}", "sortOrder")]
    [InlineData("{\"name\":[\"a\"]}", "name")]
    public async Task RefusesWrongTypeNamingTheField(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/departments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task RefusesWrongTypeInPatchNamingTheFieldAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Typed");
        var problem = await (await tenant.Admin.SendAsync(HttpMethod.Patch, $"/api/v1/departments/{department.Id()}", "{\"name\":\"New\",\"sortOrder\":\"x\"}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["sortOrder"], problem.ErrorFields());
        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        Assert.Equal("Typed", read.Str("name"));
        Assert.Equal(department.Str("version"), read.Str("version"));
    }

    [Fact]
    public async Task RefusesEnumAsNumberOrUnknownName()
    {
        var tenant = await app.NewTenantAsync();
        foreach (var gender in new[] { "1", "\"robot\"" })
        {
            var body = $"{{\"login\":\"g{Api.Stamp()}\",\"password\":\"{Api.StaffPassword}\",\"name\":\"G\",\"gender\":{gender}}}";
            var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/users", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
            Assert.Equal(["gender"], problem.ErrorFields());
        }
    }

    [Theory]
    [InlineData("{\"name\":\"Ok\",\"colour\":\"red\"}", "colour")]
    [InlineData("{\"name\":\"Ok\",\"id\":\"01jzzzzzzzzzzzzzzzzzzzzzzz\"}", "id")]
    [InlineData("{\"name\":\"Ok\",\"version\":\"abc\"}", "version")]
    public async Task RefusesUnknownFieldNamingIt(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/departments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));
    }

    [Fact]
    public async Task RefusesUnknownFieldInPatchNamingItAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Strict");
        var problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Changed", colour = "red" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["colour"], problem.ErrorFields());
        Assert.Equal("Strict", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("name"));
    }

    [Fact]
    public async Task RefusesUnknownFieldOfSearchFilterNamingIt()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/departments/search",
            "{\"filterGroups\":[{\"filters\":[{\"field\":\"name\",\"op\":\"eq\",\"value\":\"x\",\"colour\":1}]}]}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["filterGroups[0].filters[0].colour"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("name", 101)]
    [InlineData("description", 501)]
    public async Task RefusesOverLongStringNamingTheField(string field, int length)
    {
        var tenant = await app.NewTenantAsync();
        var body = new Dictionary<string, object> { ["name"] = "Long", [field] = new string('x', length) };
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());

        var department = await tenant.CreateDepartmentAsync("Short");
        problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new Dictionary<string, object> { [field] = new string('y', length) }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
        Assert.Equal(department.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("version"));
    }

    [Fact]
    public async Task AcceptsStringsAtTheirLimit()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync(new string('n', 100), description: new string('d', 500));
        Assert.Equal(100, created.Str("name").Length);
    }

    [Fact]
    public async Task RefusesOutOfRangeNumberNamingTheField()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Range", sortOrder = 100_001 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["sortOrder"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task RefusesWrongContentType(string contentType)
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsync("/api/v1/departments", new StringContent("{\"name\":\"Typed\"}", Encoding.UTF8, contentType));
        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments"));
    }

    [Fact]
    public async Task RefusesWrongContentTypeOnPatch()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Typed");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/departments/{department.Id()}")
        {
            Content = new StringContent("{\"name\":\"Changed\"}", Encoding.UTF8, "text/plain"),
        };
        await (await tenant.Admin.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        Assert.Equal("Typed", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("name"));
    }

    [Fact]
    public async Task ValidationProblemListsEveryBadField()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "", description = new string('d', 501), sortOrder = -1 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["description", "name", "sortOrder"], problem.ErrorFields().Order(StringComparer.Ordinal));
        foreach (var field in problem.GetProperty("errors").EnumerateObject())
        {
            Assert.Equal(JsonValueKind.Array, field.Value.ValueKind);
            Assert.NotEmpty(field.Value.EnumerateArray());
        }
    }

    [Theory]
    [InlineData("POST", "/api/v1/departments", "null")]
    [InlineData("POST", "/api/v1/departments/search", "null")]
    [InlineData("PATCH", "/api/v1/departments/{office}", "null")]
    [InlineData("PATCH", "/api/v1/departments/{office}", "[]")]
    [InlineData("PATCH", "/api/v1/departments/{office}", "\"text\"")]
    [InlineData("POST", "/api/v1/users", "null")]
    [InlineData("PATCH", "/api/v1/users/{admin}", "null")]
    [InlineData("POST", "/api/v1/users/{admin}/reset-password", "null")]
    [InlineData("POST", "/api/v1/me/password", "null")]
    [InlineData("POST", "/api/v1/me/password", "{}")]
    [InlineData("POST", "/api/v1/departments/batch/create", "null")]
    [InlineData("POST", "/api/v1/departments/batch/create", "{\"inputs\":null}")]
    [InlineData("POST", "/api/v1/departments/batch/update", "{\"inputs\":[{\"id\":null,\"patch\":{}}]}")]
    [InlineData("POST", "/api/v1/auth/token", "null")]
    [InlineData("POST", "/api/v1/auth/refresh", "null")]
    [InlineData("POST", "/api/v1/auth/logout", "{}")]
    [InlineData("POST", "/api/v1/tenants", "null")]
    public async Task OddBodiesAreInvalidInputNotServerErrors(string method, string url, string body)
    {
        var tenant = await app.NewTenantAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{office}", tenant.OfficeId).Replace("{admin}", tenant.AdminUserId))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Platform-Key", CrmApp.PlatformKey);
        var response = await tenant.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or (HttpStatusCode)207, $"{(int)response.StatusCode}: {text}");
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/api/v1/audit-logs?from=yesterday")]
    [InlineData("/api/v1/audit-logs?limit=many")]
    [InlineData("/api/v1/recycle-bin?limit=many")]
    [InlineData("/api/v1/recycle-bin?cursor=garbage")]
    [InlineData("/api/v1/audit-logs?cursor=garbage")]
    [InlineData("/api/v1/events?limit=many")]
    [InlineData("/api/v1/users?cursor=W251bGwsIng0Il0")]
    public async Task OddQueriesAreInvalidInputNotServerErrors(string url)
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
