using System.Net;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>GET lists: limit, sort, simple filters, q prefix search, cursor paging.</summary>
public sealed partial class ListTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task RefusesLimitOutOfBounds(string limit)
    {
        var tenant = await app.NewTenantAsync();
        foreach (var type in new[] { "departments", "users" })
        {
            var response = await tenant.Admin.GetAsync($"/api/v1/{type}?limit={limit}");
            var problem = await response.ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(problem.TryGetProperty("code", out _));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    public async Task LimitOutOfBoundsNamesTheLimit(string limit)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/departments?limit={limit}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["limit"], problem.ErrorFields());
    }

    [Fact]
    public async Task AcceptsLimitAtBoundsAndDefaultsToFifty()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.CreateDepartmentAsync("One");
        var one = await tenant.Admin.GetJsonAsync("/api/v1/departments?limit=1");
        Assert.Single(one.Items());
        Assert.NotNull(one.NextCursor());
        var max = await tenant.Admin.GetJsonAsync("/api/v1/departments?limit=200");
        Assert.Equal(2, max.Items().Count);
        Assert.Null(max.NextCursor());
        Assert.Equal(JsonValueKind.Null, max.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task DefaultPageHasFiftyItems()
    {
        var tenant = await app.NewTenantAsync();
        var batch = Enumerable.Range(0, 55).Select(i => new { name = $"Dept {i:D2}" }).ToArray();
        await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/create", new { inputs = batch }, HttpStatusCode.OK);
        var page = await tenant.Admin.GetJsonAsync("/api/v1/departments");
        Assert.Equal(50, page.Items().Count);
        Assert.NotNull(page.NextCursor());
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("-name")]
    [InlineData("updatedAt")]
    public async Task RefusesUnknownSort(string sort)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/departments?sort={sort}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["sort"], problem.ErrorFields());
    }

    [Fact]
    public async Task SortsByNameAndByCreation()
    {
        var tenant = await app.NewTenantAsync();
        var b = await tenant.CreateDepartmentAsync("Bravo");
        var a = await tenant.CreateDepartmentAsync("alpha");
        var c = await tenant.CreateDepartmentAsync("Charlie");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{b.Id()}", new { description = "touched" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([a.Id(), b.Id(), c.Id(), tenant.OfficeId], (await tenant.Admin.ListAllAsync("/api/v1/departments?sort=name")).Select(d => d.Id()));
        Assert.Equal([tenant.OfficeId, b.Id(), a.Id(), c.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?sort=createdAt")).Select(d => d.Id()));
        Assert.Equal([c.Id(), a.Id(), b.Id(), tenant.OfficeId], (await tenant.Admin.ListAllAsync("/api/v1/departments?sort=-createdAt")).Select(d => d.Id()));
        Assert.Equal([b.Id(), c.Id(), a.Id(), tenant.OfficeId], (await tenant.Admin.ListAllAsync("/api/v1/departments?sort=-updatedAt")).Select(d => d.Id()));
        Assert.Equal([b.Id(), c.Id(), a.Id(), tenant.OfficeId], (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Id()));
    }

    [Theory]
    [InlineData("departments", "colour")]
    [InlineData("departments", "customFields")]
    [InlineData("users", "password")]
    [InlineData("users", "passwordChangedAt")]
    public async Task RefusesFilterOnUnknownField(string type, string field)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/{type}?{field}=x")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task FiltersDepartmentsByIndexedParentId()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales");
        var north = await tenant.CreateDepartmentAsync("North", sales.Id());
        var south = await tenant.CreateDepartmentAsync("South", sales.Id());
        await tenant.CreateDepartmentAsync("Other");

        Assert.Equal([south.Id(), north.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={sales.Id()}")).Select(d => d.Id()));
        Assert.Empty(await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={north.Id()}"));

        // Moving a department moves it between the filtered lists.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{north.Id()}", new { parentId = tenant.OfficeId })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([south.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={sales.Id()}")).Select(d => d.Id()));
        Assert.Contains(north.Id(), (await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={tenant.OfficeId}")).Select(d => d.Id()));

        // A deleted department leaves the list.
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{south.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={sales.Id()}"));
    }

    [Fact]
    public async Task FiltersUsersByIndexedStatusAndDepartment()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales");
        var a = await tenant.CreateUserAsync(departmentId: sales.Id());
        var b = await tenant.CreateUserAsync(departmentId: sales.Id());
        var c = await tenant.CreateUserAsync();
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{b.Id()}/disable", new { }, HttpStatusCode.OK);

        Assert.Equal([b.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?status=disabled")).Select(u => u.Id()));
        Assert.Equal([c.Id(), a.Id(), tenant.AdminUserId], (await tenant.Admin.ListAllAsync("/api/v1/users?status=active")).Select(u => u.Id()));
        Assert.Equal([b.Id(), a.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?departmentId={sales.Id()}")).Select(u => u.Id()));
        Assert.Equal([a.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?departmentId={sales.Id()}&status=active")).Select(u => u.Id()));
    }

    [Fact]
    public async Task FiltersByNonIndexedField()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales", description: "sells");
        await tenant.CreateDepartmentAsync("Support", description: "helps");
        var lead = await tenant.CreateUserAsync(name: "Lead Person");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{lead.Id()}", new { position = "Team Lead" })).ExpectAsync(HttpStatusCode.OK);
        await tenant.CreateUserAsync(name: "Plain Person");

        Assert.Equal([sales.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?name=Sales")).Select(d => d.Id()));
        Assert.Equal([sales.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?description=sells")).Select(d => d.Id()));
        Assert.Equal([sales.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/departments?name=Sales&parentId={tenant.OfficeId}")).Select(d => d.Id()));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?name=Sal"));
        Assert.Equal([lead.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?position=Team%20Lead")).Select(u => u.Id()));
        Assert.Equal([tenant.AdminUserId], (await tenant.Admin.ListAllAsync("/api/v1/users?isSuperAdmin=true")).Select(u => u.Id()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sort=name")]
    [InlineData("sort=createdAt")]
    [InlineData("sort=-createdAt")]
    public async Task CursorPagingReturnsEveryRecordOnceWhileRecordsAreInserted(string query)
    {
        var tenant = await app.NewTenantAsync();
        var inputs = Enumerable.Range(0, 23).Select(i => new { name = $"Existing {i:D2}" }).ToArray();
        await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/create", new { inputs }, HttpStatusCode.OK);
        var existing = (await tenant.Admin.ListAllAsync("/api/v1/departments?limit=200")).Select(d => d.Id()).ToHashSet();
        Assert.Equal(24, existing.Count);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/departments?limit=5&{query}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await tenant.Admin.GetJsonAsync(url);
            Assert.True(page.Items().Count <= 5);
            seen.AddRange(page.Ids());
            cursor = page.NextCursor();
            // Between page reads, others insert records at both ends of every sort order.
            await tenant.CreateDepartmentAsync($"AAA New {pages:D2}");
            await tenant.CreateDepartmentAsync($"zzz New {pages:D2}");
            pages++;
        }
        while (cursor is not null && pages < 50);

        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(existing.Except(seen));
    }

    [Fact]
    public async Task CursorPagingFollowsFilters()
    {
        var tenant = await app.NewTenantAsync();
        var parent = await tenant.CreateDepartmentAsync("Parent");
        var inputs = Enumerable.Range(0, 7).Select(i => new { name = $"Child {i}", parentId = parent.Id() }).ToArray();
        await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/create", new { inputs }, HttpStatusCode.OK);
        await tenant.CreateDepartmentAsync("Not a child");

        var viaIndex = await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={parent.Id()}&limit=2");
        Assert.Equal(7, viaIndex.Select(d => d.Id()).Distinct().Count());
        Assert.Equal(7, viaIndex.Count);
        var viaScan = await tenant.Admin.ListAllAsync($"/api/v1/departments?parentId={parent.Id()}&sort=name&limit=3");
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"Child {i}"), viaScan.Select(d => d.Str("name")));
        var viaSearch = await tenant.Admin.ListAllAsync("/api/v1/departments?q=child&limit=3");
        Assert.Equal(7, viaSearch.Select(d => d.Id()).Distinct().Count());
    }

    [Fact]
    public async Task RefusesCursorOfAnotherSortOrFilter()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.CreateDepartmentAsync("A");
        await tenant.CreateDepartmentAsync("B");
        var page = await tenant.Admin.GetJsonAsync("/api/v1/departments?limit=1&sort=name");
        var cursor = Uri.EscapeDataString(page.NextCursor()!);

        var problem = await (await tenant.Admin.GetAsync($"/api/v1/departments?limit=1&sort=-createdAt&cursor={cursor}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
        Assert.Equal(["cursor"], problem.ErrorFields());
        await (await tenant.Admin.GetAsync($"/api/v1/departments?limit=1&cursor={cursor}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
        await (await tenant.Admin.GetAsync($"/api/v1/departments?limit=1&sort=name&q=a&cursor={cursor}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
        await (await tenant.Admin.GetAsync("/api/v1/departments?limit=1&sort=name&cursor=garbage!!")).ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
        // Its own query accepts it, even with another page size.
        await tenant.Admin.GetJsonAsync($"/api/v1/departments?limit=5&sort=name&cursor={cursor}");
    }
}
