using System.Net;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Departments;

/// <summary>The tree: one root (Office), children by sort order then name, no cycles.</summary>
public sealed partial class DepartmentApiTests
{
    [Fact]
    public async Task TreeNestsChildrenOrderedBySortOrderThenName()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales", sortOrder: 2);
        var finance = await tenant.CreateDepartmentAsync("Finance", sortOrder: 1);
        await tenant.CreateDepartmentAsync("Administration", sortOrder: 2);
        var north = await tenant.CreateDepartmentAsync("North", sales.Id());
        var east = await tenant.CreateDepartmentAsync("East", sales.Id());
        await tenant.CreateDepartmentAsync("Key Accounts", sales.Id());
        var team = await tenant.CreateDepartmentAsync("Team 1", north.Id());

        var tree = await tenant.Admin.GetJsonAsync("/api/v1/departments/tree");
        var root = Assert.Single(tree.EnumerateArray());
        Assert.Equal(tenant.OfficeId, root.Id());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parentId").ValueKind);

        static List<string> Names(JsonElement node) => node.GetProperty("children").EnumerateArray().Select(c => c.Str("name")).ToList();
        Assert.Equal(["Finance", "Administration", "Sales"], Names(root));
        var salesNode = root.GetProperty("children").EnumerateArray().Single(c => c.Id() == sales.Id());
        Assert.Equal(["East", "Key Accounts", "North"], Names(salesNode));
        var northNode = salesNode.GetProperty("children").EnumerateArray().Single(c => c.Id() == north.Id());
        Assert.Equal(team.Id(), Assert.Single(northNode.GetProperty("children").EnumerateArray()).Id());
        Assert.Empty(root.GetProperty("children").EnumerateArray().Single(c => c.Id() == finance.Id()).GetProperty("children").EnumerateArray());
        Assert.Equal(sales.Id(), salesNode.GetProperty("children").EnumerateArray().Single(c => c.Id() == east.Id()).Str("parentId"));
    }

    [Fact]
    public async Task TreeFollowsMovesAndSortOrderChanges()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateDepartmentAsync("A", sortOrder: 1);
        var b = await tenant.CreateDepartmentAsync("B", sortOrder: 2);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{b.Id()}", new { sortOrder = 0 })).ExpectAsync(HttpStatusCode.OK);
        var c = await tenant.CreateDepartmentAsync("C", a.Id());
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{c.Id()}", new { parentId = b.Id() })).ExpectAsync(HttpStatusCode.OK);

        var root = Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/departments/tree")).EnumerateArray());
        var children = root.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal([b.Id(), a.Id()], children.Select(n => n.Id()));
        Assert.Empty(children[1].GetProperty("children").EnumerateArray());
        Assert.Equal(c.Id(), Assert.Single(children[0].GetProperty("children").EnumerateArray()).Id());
    }

    [Fact]
    public async Task OfficeIsTheRootAndCanBeRenamed()
    {
        var tenant = await app.NewTenantAsync();
        var office = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{tenant.OfficeId}");
        Assert.Equal("Office", office.Str("name"));
        Assert.Equal(JsonValueKind.Null, office.GetProperty("parentId").ValueKind);

        var renamed = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{tenant.OfficeId}", new { name = "Head Office" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Head Office", renamed.Str("name"));
        Assert.Equal("Head Office", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{tenant.OfficeId}")).Str("name"));
    }

    [Fact]
    public async Task RootCannotBeDeletedOrMoved()
    {
        var tenant = await app.NewTenantAsync();
        var child = await tenant.CreateDepartmentAsync("Child");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{tenant.OfficeId}")).ExpectProblemAsync(HttpStatusCode.Conflict, "department.root_fixed");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{tenant.OfficeId}", new { parentId = child.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "department.root_fixed");
        // Nor can another department become a second root.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{child.Id()}", new { parentId = (string?)null }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "department.root_fixed");
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{tenant.OfficeId}");
        Assert.Equal(tenant.OfficeId, (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{child.Id()}")).Str("parentId"));
    }

    [Fact]
    public async Task RefusesMoveUnderOwnDescendant()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateDepartmentAsync("A");
        var b = await tenant.CreateDepartmentAsync("B", a.Id());
        var c = await tenant.CreateDepartmentAsync("C", b.Id());

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{a.Id()}", new { parentId = c.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.cycle");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{a.Id()}", new { parentId = a.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.cycle");
        Assert.Equal(tenant.OfficeId, (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{a.Id()}")).Str("parentId"));

        // Moving down a branch that is not its own is fine.
        var d = await tenant.CreateDepartmentAsync("D");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{d.Id()}", new { parentId = c.Id() })).ExpectAsync(HttpStatusCode.OK);
    }
}
