using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Departments;

/// <summary>Names are unique among siblings after normalisation (case, full-width forms, spaces).</summary>
public sealed partial class DepartmentApiTests
{
    [Theory]
    [InlineData("Sales")]
    [InlineData("sales")]
    [InlineData("SALES")]
    [InlineData("Ｓａｌｅｓ")]
    [InlineData("Sa les")]
    [InlineData(" S a l e s ")]
    public async Task RefusesDuplicateSiblingNameAfterNormalisation(string duplicate)
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales");
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = duplicate });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal(sales.Id(), problem.Str("existingId"));
        Assert.Equal(2, (await tenant.Admin.ListAllAsync("/api/v1/departments")).Count);
    }

    [Fact]
    public async Task RefusesDuplicateChineseNameWithFullWidthSpace()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("销售部");
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "销售\u3000部" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal(sales.Id(), problem.Str("existingId"));
    }

    [Fact]
    public async Task RefusesRenameToSiblingNameAndKeepsTheOldName()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales");
        var support = await tenant.CreateDepartmentAsync("Support");
        var problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{support.Id()}", new { name = "SALES" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal(sales.Id(), problem.Str("existingId"));
        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{support.Id()}");
        Assert.Equal("Support", read.Str("name"));
        Assert.Equal(support.Str("version"), read.Str("version"));

        // Its own name in another spelling is no conflict.
        var recased = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{support.Id()}", new { name = "SUPPORT" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("SUPPORT", recased.Str("name"));
    }

    [Fact]
    public async Task RefusesMoveIntoParentHavingSiblingOfSameName()
    {
        var tenant = await app.NewTenantAsync();
        var east = await tenant.CreateDepartmentAsync("East");
        var eastTeam = await tenant.CreateDepartmentAsync("Team", east.Id());
        var west = await tenant.CreateDepartmentAsync("West");
        var westTeam = await tenant.CreateDepartmentAsync("Team", west.Id());
        var problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{westTeam.Id()}", new { parentId = east.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal(eastTeam.Id(), problem.Str("existingId"));
        Assert.Equal(west.Id(), (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{westTeam.Id()}")).Str("parentId"));
    }

    [Fact]
    public async Task AllowsSameNameUnderAnotherParent()
    {
        var tenant = await app.NewTenantAsync();
        var north = await tenant.CreateDepartmentAsync("North");
        var south = await tenant.CreateDepartmentAsync("South");
        var a = await tenant.CreateDepartmentAsync("Sales", north.Id());
        var b = await tenant.CreateDepartmentAsync("Sales", south.Id());
        Assert.NotEqual(a.Id(), b.Id());
    }

    [Fact]
    public async Task NameIsFreeAgainAfterRenameOrDelete()
    {
        var tenant = await app.NewTenantAsync();
        var first = await tenant.CreateDepartmentAsync("Ops");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{first.Id()}", new { name = "Operations" })).ExpectAsync(HttpStatusCode.OK);
        var second = await tenant.CreateDepartmentAsync("Ops");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{second.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        await tenant.CreateDepartmentAsync("Ops");
    }
}
