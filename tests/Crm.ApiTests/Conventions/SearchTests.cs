using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>POST /{type}/search: filters AND-ed within a group, groups OR-ed.</summary>
public sealed class SearchTests(CrmApp app) : IClassFixture<CrmApp>
{
    private sealed record Org(TestTenant Tenant, string Alpha, string Beta, string Gamma);

    /// <summary>Office (0, no description) → Alpha (1, "East coast"), Beta (5, "West coast") → Gamma (10, none).</summary>
    private async Task<Org> OrgAsync()
    {
        var tenant = await app.NewTenantAsync();
        var alpha = await tenant.CreateDepartmentAsync("Alpha", sortOrder: 1, description: "East coast");
        var beta = await tenant.CreateDepartmentAsync("Beta", sortOrder: 5, description: "West coast");
        var gamma = await tenant.CreateDepartmentAsync("Gamma", beta.Id(), sortOrder: 10);
        return new Org(tenant, alpha.Id(), beta.Id(), gamma.Id());
    }

    private static object Filter(string field, string op, object? value = null) => value is null ? new { field, op } : new { field, op, value };

    private static object Groups(params object[][] groups) => new { filterGroups = groups.Select(filters => new { filters }).ToArray() };

    private static async Task<List<string>> SearchAsync(TestTenant tenant, object body, string type = "departments")
    {
        var page = await tenant.Admin.PostJsonAsync($"/api/v1/{type}/search", body, HttpStatusCode.OK);
        return page.Ids().Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Expect(params string[] ids) => ids.Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task FiltersWithEachOperator()
    {
        var org = await OrgAsync();
        var office = org.Tenant.OfficeId;
        var t = org.Tenant;

        Assert.Equal(Expect(org.Alpha), await SearchAsync(t, Groups([Filter("name", "eq", "alpha")])));
        Assert.Equal(Expect(office, org.Beta, org.Gamma), await SearchAsync(t, Groups([Filter("name", "ne", "Alpha")])));
        Assert.Equal(Expect(org.Alpha, org.Gamma), await SearchAsync(t, Groups([Filter("name", "in", new[] { "Alpha", "Gamma", "Nobody" })])));
        Assert.Equal(Expect(office, org.Beta), await SearchAsync(t, Groups([Filter("name", "nin", new[] { "Alpha", "Gamma" })])));
        Assert.Equal(Expect(org.Alpha, org.Beta), await SearchAsync(t, Groups([Filter("description", "contains", "COAST")])));
        Assert.Equal(Expect(org.Gamma), await SearchAsync(t, Groups([Filter("name", "startsWith", "ga")])));
        Assert.Equal(Expect(org.Beta, org.Gamma), await SearchAsync(t, Groups([Filter("sortOrder", "gt", 1)])));
        Assert.Equal(Expect(office, org.Alpha), await SearchAsync(t, Groups([Filter("sortOrder", "lt", 5)])));
        Assert.Equal(Expect(org.Alpha, org.Beta), await SearchAsync(t, Groups([Filter("sortOrder", "ge", 1), Filter("sortOrder", "le", 5)])));
        Assert.Equal(Expect(org.Beta), await SearchAsync(t, Groups([Filter("sortOrder", "between", new[] { 2, 9 })])));
        Assert.Equal(Expect(office, org.Gamma), await SearchAsync(t, Groups([Filter("description", "isNull")])));
        Assert.Equal(Expect(org.Alpha, org.Beta), await SearchAsync(t, Groups([Filter("description", "isNotNull")])));
        Assert.Equal(Expect(office), await SearchAsync(t, Groups([Filter("parentId", "isNull")])));
        Assert.Equal(Expect(org.Gamma), await SearchAsync(t, Groups([Filter("parentId", "eq", org.Beta)])));
    }

    [Fact]
    public async Task AndsFiltersWithinGroupAndOrsGroups()
    {
        var org = await OrgAsync();
        var t = org.Tenant;
        Assert.Equal(Expect(org.Beta), await SearchAsync(t, Groups([Filter("description", "contains", "coast"), Filter("sortOrder", "gt", 2)])));
        Assert.Equal(Expect(org.Alpha, org.Gamma), await SearchAsync(t, Groups([Filter("name", "eq", "Alpha")], [Filter("sortOrder", "ge", 10)])));
        Assert.Equal(Expect(org.Alpha, org.Beta, org.Gamma),
            await SearchAsync(t, Groups([Filter("description", "contains", "coast"), Filter("sortOrder", "lt", 5)], [Filter("parentId", "eq", org.Beta)], [Filter("name", "eq", "Beta")])));
        Assert.Empty(await SearchAsync(t, Groups([Filter("name", "eq", "Alpha"), Filter("name", "eq", "Beta")])));
    }

    [Fact]
    public async Task NoFilterGroupsFindsEverything()
    {
        var org = await OrgAsync();
        Assert.Equal(Expect(org.Tenant.OfficeId, org.Alpha, org.Beta, org.Gamma), await SearchAsync(org.Tenant, new { }));
        Assert.Equal(Expect(org.Tenant.OfficeId, org.Alpha, org.Beta, org.Gamma), await SearchAsync(org.Tenant, new { filterGroups = Array.Empty<object>() }));
    }

    [Fact]
    public async Task FiltersOnTimes()
    {
        var org = await OrgAsync();
        var beta = await org.Tenant.Admin.GetJsonAsync($"/api/v1/departments/{org.Beta}");
        var at = beta.Str("createdAt");
        Assert.Equal(Expect(org.Beta, org.Gamma), await SearchAsync(org.Tenant, Groups([Filter("createdAt", "ge", at)])));
        Assert.Equal(Expect(org.Tenant.OfficeId, org.Alpha), await SearchAsync(org.Tenant, Groups([Filter("createdAt", "lt", at)])));
        Assert.Equal(Expect(org.Tenant.OfficeId, org.Alpha, org.Beta, org.Gamma), await SearchAsync(org.Tenant, Groups([Filter("createdAt", "lastNDays", 1)])));
        Assert.Equal(Expect(org.Tenant.OfficeId, org.Alpha, org.Beta, org.Gamma), await SearchAsync(org.Tenant, Groups([Filter("updatedAt", "thisYear")])));
        Assert.Empty(await SearchAsync(org.Tenant, Groups([Filter("createdAt", "lastMonth")])));
    }

    [Fact]
    public async Task SearchesUsersByStatusAndDepartment()
    {
        var org = await OrgAsync();
        var t = org.Tenant;
        var inAlpha = await t.CreateUserAsync(departmentId: org.Alpha);
        var disabled = await t.CreateUserAsync(departmentId: org.Alpha);
        await t.Admin.PostJsonAsync($"/api/v1/users/{disabled.Id()}/disable", new { }, HttpStatusCode.OK);

        Assert.Equal(Expect(disabled.Id()), await SearchAsync(t, Groups([Filter("status", "eq", "disabled")]), "users"));
        Assert.Equal(Expect(inAlpha.Id()), await SearchAsync(t, Groups([Filter("departmentId", "eq", org.Alpha), Filter("status", "ne", "disabled")]), "users"));
        Assert.Equal(Expect(t.AdminUserId), await SearchAsync(t, Groups([Filter("isSuperAdmin", "eq", true)]), "users"));
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("customField")]
    [InlineData("")]
    public async Task RefusesFilterOnUnknownField(string field)
    {
        var org = await OrgAsync();
        var response = await org.Tenant.Admin.PostAsJsonAsync("/api/v1/departments/search", Groups([Filter("name", "eq", "Alpha")], [Filter(field, "eq", "x")]));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "search.invalid_filter");
        Assert.Equal(["filterGroups[1].filters[0].field"], problem.ErrorFields());
    }

    [Fact]
    public async Task RefusesUserPasswordAsFilter()
    {
        var org = await OrgAsync();
        var response = await org.Tenant.Admin.PostAsJsonAsync("/api/v1/users/search", Groups([Filter("password", "startsWith", "A")]));
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "search.invalid_filter");
    }

    [Theory]
    [InlineData("in", "\"Alpha\"")]
    [InlineData("between", "[1]")]
    [InlineData("contains", "5")]
    [InlineData("eq", null)]
    [InlineData("lastNDays", "0")]
    public async Task RefusesValueNotFittingTheOperator(string op, string? value)
    {
        var org = await OrgAsync();
        var filter = value is null ? $"{{\"field\":\"sortOrder\",\"op\":\"{op}\"}}" : $"{{\"field\":\"sortOrder\",\"op\":\"{op}\",\"value\":{value}}}";
        var response = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", $"{{\"filterGroups\":[{{\"filters\":[{filter}]}}]}}");
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "search.invalid_filter");
        Assert.Equal(["filterGroups[0].filters[0].value"], problem.ErrorFields());
    }

    [Fact]
    public async Task RefusesUnknownOperator()
    {
        var org = await OrgAsync();
        var response = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", "{\"filterGroups\":[{\"filters\":[{\"field\":\"name\",\"op\":\"like\",\"value\":\"A\"}]}]}");
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["filterGroups[0].filters[0].op"], problem.ErrorFields());
    }

    [Fact]
    public async Task SortsLimitsAndPagesSearchResults()
    {
        var org = await OrgAsync();
        var body = new Dictionary<string, object?>
        {
            ["filterGroups"] = new[] { new { filters = new[] { Filter("name", "ne", "Nobody") } } },
            ["sort"] = new[] { new { field = "name", dir = "asc" } },
            ["limit"] = 3,
        };
        var first = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", body, HttpStatusCode.OK);
        Assert.Equal([org.Alpha, org.Beta, org.Gamma], first.Ids());
        body["cursor"] = first.NextCursor() ?? throw new Xunit.Sdk.XunitException("expected a second page");
        var second = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", body, HttpStatusCode.OK);
        Assert.Equal([org.Tenant.OfficeId], second.Ids());
        Assert.Null(second.NextCursor());

        // The cursor belongs to its filters.
        body["filterGroups"] = new[] { new { filters = new[] { Filter("name", "ne", "Alpha") } } };
        await (await org.Tenant.Admin.PostAsJsonAsync("/api/v1/departments/search", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
    }

    [Fact]
    public async Task SortsDescendingByCreation()
    {
        var org = await OrgAsync();
        var page = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", new { sort = new[] { new { field = "createdAt", dir = "desc" } } }, HttpStatusCode.OK);
        Assert.Equal([org.Gamma, org.Beta, org.Alpha, org.Tenant.OfficeId], page.Ids());
    }

    [Theory]
    [InlineData("{\"sort\":[{\"field\":\"sortOrder\",\"dir\":\"asc\"}]}", "sort")]
    [InlineData("{\"limit\":0}", "limit")]
    [InlineData("{\"limit\":201}", "limit")]
    public async Task RefusesUnsupportedSortOrLimit(string body, string field)
    {
        var org = await OrgAsync();
        var problem = await (await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task SearchCombinesWithQ()
    {
        var org = await OrgAsync();
        var page = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", new { q = "be", filterGroups = new[] { new { filters = new[] { Filter("sortOrder", "ge", 0) } } } }, HttpStatusCode.OK);
        Assert.Equal([org.Beta], page.Ids());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task GroupWithoutFiltersIsNoServerError()
    {
        var org = await OrgAsync();
        var response = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", "{\"filterGroups\":[{}]}");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("{\"filterGroups\":[null]}")]
    [InlineData("{\"filterGroups\":[{\"filters\":[null]}]}")]
    [InlineData("{\"sort\":[null]}")]
    public async Task RefusesNullPartsOfTheSearchAsInvalidInput(string body)
    {
        var org = await OrgAsync();
        var response = await org.Tenant.Admin.PostJsonAsync("/api/v1/departments/search", body);
        var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(problem.Str("code"), new[] { "validation.failed", "search.invalid_filter" });
    }
}
