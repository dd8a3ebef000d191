using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>Another tenant's ids answer 404 exactly like unknown ids, and reveal nothing.</summary>
public sealed class TenantIsolationTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static async Task ExpectHiddenAsync(HttpResponseMessage response, string code, params string[] secrets)
    {
        var text = await response.Content.ReadAsStringAsync();
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, code);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReturnsNotFoundForDepartmentOfAnotherTenant()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var secret = "Secret Lab " + Api.Stamp();
        var department = await owner.CreateDepartmentAsync(secret, description: "classified");
        var url = $"/api/v1/departments/{department.Id()}";

        await ExpectHiddenAsync(await intruder.Admin.GetAsync(url), "department.not_found", secret, "classified", owner.Id);
        await ExpectHiddenAsync(await intruder.Admin.PatchJsonAsync(url, new { name = "Taken over" }), "department.not_found", secret, owner.Id);
        await ExpectHiddenAsync(await intruder.Admin.PatchJsonAsync(url, new { name = "Taken over" }, $"\"{department.Str("version")}\""), "department.not_found", secret);
        await ExpectHiddenAsync(await intruder.Admin.DeleteAsync(url), "department.not_found", secret, owner.Id);
        await ExpectHiddenAsync(await intruder.Admin.GetAsync($"/api/v1/departments/{owner.OfficeId}"), "department.not_found");

        // The answer is the same as for an id that never existed.
        var unknown = await (await intruder.Admin.GetAsync("/api/v1/departments/01jzzzzzzzzzzzzzzzzzzzzzzz")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        var foreign = await (await intruder.Admin.GetAsync(url)).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        Assert.Equal(unknown.Str("title"), foreign.Str("title"));

        var read = await owner.Admin.GetJsonAsync(url);
        Assert.Equal(secret, read.Str("name"));
        Assert.Equal(department.Str("version"), read.Str("version"));
    }

    [Fact]
    public async Task ReturnsNotFoundForUserOfAnotherTenant()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var login = "secret" + Api.Stamp() + "@owner.test";
        var user = await owner.CreateUserAsync(login, "Secret Person");
        var url = $"/api/v1/users/{user.Id()}";

        await ExpectHiddenAsync(await intruder.Admin.GetAsync(url), "user.not_found", login, "Secret Person");
        await ExpectHiddenAsync(await intruder.Admin.PatchJsonAsync(url, new { name = "Taken over" }), "user.not_found", login);
        await ExpectHiddenAsync(await intruder.Admin.PostAsync($"{url}/disable", null), "user.not_found", login);
        await ExpectHiddenAsync(await intruder.Admin.PostAsJsonAsync($"{url}/reset-password", new { newPassword = "Taken-Over-Pass-1" }), "user.not_found", login);
        await ExpectHiddenAsync(await intruder.Admin.GetAsync($"/api/v1/users/{owner.AdminUserId}"), "user.not_found");

        var read = await owner.Admin.GetJsonAsync(url);
        Assert.Equal("Secret Person", read.Str("name"));
        Assert.Equal("active", read.Str("status"));
        await owner.SignInAsync(login, Api.StaffPassword);
    }

    [Fact]
    public async Task DeleteOfUserOfAnotherTenantRevealsNothing()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var user = await owner.CreateUserAsync();
        var foreign = await intruder.Admin.DeleteAsync($"/api/v1/users/{user.Id()}");
        var unknown = await intruder.Admin.DeleteAsync("/api/v1/users/01jzzzzzzzzzzzzzzzzzzzzzzz");
        Assert.Equal(unknown.StatusCode, foreign.StatusCode);
        Assert.DoesNotContain(user.Str("login"), await foreign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchReadAndSearchNeverReturnAnotherTenantsRecords()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var department = await owner.CreateDepartmentAsync("Batch Secret");

        var batch = await intruder.Admin.PostJsonAsync("/api/v1/departments/batch/read", new { inputs = new[] { new { id = department.Id() } } }, (HttpStatusCode)207);
        var result = batch.GetProperty("results")[0];
        Assert.Equal(404, result.GetProperty("status").GetInt32());
        Assert.DoesNotContain("Batch Secret", batch.GetRawText(), StringComparison.Ordinal);

        var search = await intruder.Admin.PostJsonAsync("/api/v1/departments/search",
            new { filterGroups = new[] { new { filters = new[] { new { field = "name", op = "eq", value = "Batch Secret" } } } } }, HttpStatusCode.OK);
        Assert.Empty(search.Items());
        Assert.Empty(await intruder.Admin.ListAllAsync("/api/v1/departments?q=batch"));
        Assert.Empty(await intruder.Admin.ListAllAsync($"/api/v1/departments?parentId={owner.OfficeId}"));
    }

    [Fact]
    public async Task BatchUpdateAndDeleteOfAnotherTenantsRecordsChangeNothing()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var department = await owner.CreateDepartmentAsync("Batch Target");

        var update = await intruder.Admin.PostJsonAsync("/api/v1/departments/batch/update",
            new { inputs = new[] { new { id = department.Id(), patch = new { name = "Taken" } } } }, (HttpStatusCode)207);
        Assert.Equal(404, update.GetProperty("results")[0].GetProperty("status").GetInt32());
        var delete = await intruder.Admin.PostJsonAsync("/api/v1/departments/batch/delete", new { inputs = new[] { new { id = department.Id() } } }, (HttpStatusCode)207);
        Assert.Equal(404, delete.GetProperty("results")[0].GetProperty("status").GetInt32());

        var read = await owner.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        Assert.Equal(department.Str("version"), read.Str("version"));
    }
}
