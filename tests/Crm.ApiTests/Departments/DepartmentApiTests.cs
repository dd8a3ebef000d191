using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Departments;

public sealed partial class DepartmentApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task CreatesDepartmentUnderOfficeWithLocationAndETag()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "  Sales  ", description = "Field sales", sortOrder = 3 });
        var created = await response.ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("Sales", created.Str("name"));
        Assert.Equal(tenant.OfficeId, created.Str("parentId"));
        Assert.Equal("Field sales", created.Str("description"));
        Assert.Equal(3, created.GetProperty("sortOrder").GetInt32());
        Assert.Equal(tenant.AdminUserId, created.Str("createdBy"));
        Assert.Equal(tenant.AdminUserId, created.Str("updatedBy"));
        Assert.Equal(JsonValueKind.Object, created.GetProperty("customFields").ValueKind);
        Assert.Equal($"/api/v1/departments/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal($"\"{created.Str("version")}\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task ReadsUpdatesAndDeletesDepartment()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Support");

        var getResponse = await tenant.Admin.GetAsync($"/api/v1/departments/{created.Id()}");
        var read = await getResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.Str("version"), read.Str("version"));
        Assert.Equal($"\"{read.Str("version")}\"", getResponse.Headers.ETag?.ToString());

        var patchResponse = await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Customer Support", description = "Tickets" });
        var patched = await patchResponse.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Customer Support", patched.Str("name"));
        Assert.Equal("Tickets", patched.Str("description"));
        Assert.NotEqual(created.Str("version"), patched.Str("version"));
        Assert.Equal($"\"{patched.Str("version")}\"", patchResponse.Headers.ETag?.ToString());
        Assert.Equal(created.Str("createdAt"), patched.Str("createdAt"));
        Assert.True(patched.GetProperty("updatedAt").GetDateTimeOffset() >= created.GetProperty("updatedAt").GetDateTimeOffset());

        // Merge patch: null clears a field, absent fields stay.
        var cleared = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { description = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("description").ValueKind);
        Assert.Equal("Customer Support", cleared.Str("name"));

        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{created.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/departments/{created.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{created.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Back" })).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
    }

    [Fact]
    public async Task AcceptsMergePatchContentType()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Legal");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/departments/{created.Id()}")
        {
            Content = new StringContent("{\"name\":\"Legal & Compliance\"}", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        var patched = await (await tenant.Admin.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Legal & Compliance", patched.Str("name"));
    }

    [Fact]
    public async Task AnswersNotFoundForUnknownOrMalformedId()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.GetAsync("/api/v1/departments/01jzzzzzzzzzzzzzzzzzzzzzzz")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        await (await tenant.Admin.GetAsync("/api/v1/departments/not-an-id")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
    }

    [Fact]
    public async Task RefusesDeleteWithChildren()
    {
        var tenant = await app.NewTenantAsync();
        var parent = await tenant.CreateDepartmentAsync("Parent");
        var child = await tenant.CreateDepartmentAsync("Child", parent.Id());
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{parent.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "department.has_children");
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{parent.Id()}");

        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{child.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{parent.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task RefusesDeleteWithUsers()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Staffed");
        var user = await tenant.CreateUserAsync(departmentId: department.Id());
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "department.has_users");
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");

        // A disabled user still belongs to the department.
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{user.Id()}/disable", new { }, HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "department.has_users");

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { departmentId = tenant.OfficeId })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("01jzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("not-a-department")]
    public async Task RefusesUnknownParent(string parentId)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Orphan", parentId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "department.parent_not_found");
        Assert.Contains("parentId", problem.ErrorFields());

        var existing = await tenant.CreateDepartmentAsync("Existing");
        problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{existing.Id()}", new { parentId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "department.parent_not_found");
        Assert.Contains("parentId", problem.ErrorFields());
        Assert.Equal(2, (await tenant.Admin.ListAllAsync("/api/v1/departments")).Count);
    }

    [Fact]
    public async Task RefusesParentOfAnotherTenant()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var foreign = await other.CreateDepartmentAsync("Foreign");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Sneaky", parentId = foreign.Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "department.parent_not_found");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Sneaky", parentId = other.OfficeId }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "department.parent_not_found");
    }

    [Fact]
    public async Task RefusesDeletedParent()
    {
        var tenant = await app.NewTenantAsync();
        var gone = await tenant.CreateDepartmentAsync("Gone");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{gone.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Child", parentId = gone.Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "department.parent_not_found");
    }

    [Fact]
    public async Task NonAdminCanReadButNotWrite()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Read Only");
        var (_, staff) = await tenant.NewStaffAsync();

        await staff.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        await staff.GetJsonAsync("/api/v1/departments");
        await staff.GetJsonAsync("/api/v1/departments/tree");

        await (await staff.PostAsJsonAsync("/api/v1/departments", new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        Assert.Equal("Read Only", read.Str("name"));
        Assert.Equal(department.Str("version"), read.Str("version"));
        Assert.DoesNotContain(await tenant.Admin.ListAllAsync("/api/v1/departments"), d => d.Str("name") == "Mine");
    }

    [Fact]
    public async Task RefusesEmptyOrBlankName()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("name", problem.ErrorFields());
        problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "   " })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("name", problem.ErrorFields());
        var existing = await tenant.CreateDepartmentAsync("Named");
        problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{existing.Id()}", new { name = "  " })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("name", problem.ErrorFields());
    }
}
