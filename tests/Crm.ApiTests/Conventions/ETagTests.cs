using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Storage.Tenants;

namespace Crm.ApiTests.Conventions;

/// <summary>ETag = version; If-Match on PATCH/DELETE; tenants that require it answer 428 without it.</summary>
public sealed class ETagTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static string Quoted(string version) => $"\"{version}\"";

    private async Task RequireIfMatchAsync(TestTenant tenant)
    {
        var tenants = app.Service<TenantStore>();
        var stored = await tenants.FindAsync(tenant.Id, CancellationToken.None);
        await tenants.UpdateAsync(stored! with { RequireIfMatch = true }, CancellationToken.None);
    }

    [Fact]
    public async Task ETagHeaderIsTheQuotedVersionOnEveryRead()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Tagged" });
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(Quoted(body.Str("version")), created.Headers.ETag?.ToString());
        Assert.False(created.Headers.ETag!.IsWeak);

        var user = await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "e" + Api.Stamp(), password = Api.StaffPassword, name = "E" });
        Assert.Equal(Quoted((await user.ExpectAsync(HttpStatusCode.Created)).Str("version")), user.Headers.ETag?.ToString());

        var read = await tenant.Admin.GetAsync($"/api/v1/departments/{body.Id()}");
        Assert.Equal(Quoted((await read.ExpectAsync(HttpStatusCode.OK)).Str("version")), read.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task PatchWithStaleIfMatchAnswersPreconditionFailedAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Original");
        var staleTag = Quoted(created.Str("version"));
        var current = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { description = "First writer" })).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Second writer" }, staleTag))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{created.Id()}");
        Assert.Equal("Original", read.Str("name"));
        Assert.Equal("First writer", read.Str("description"));
        Assert.Equal(current.Str("version"), read.Str("version"));
    }

    [Fact]
    public async Task PatchWithCurrentIfMatchSucceedsWithNewETag()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Original");
        var response = await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Renamed" }, Quoted(created.Str("version")));
        var updated = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", updated.Str("name"));
        Assert.NotEqual(created.Str("version"), updated.Str("version"));
        Assert.Equal(Quoted(updated.Str("version")), response.Headers.ETag?.ToString());

        // The returned ETag is good for the next write; the old one is not.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Again" }, response.Headers.ETag!.ToString())).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Stale" }, Quoted(updated.Str("version"))))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
    }

    [Fact]
    public async Task IfMatchStarOrWeakTagIsAccepted()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Any");
        var updated = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Star" }, "*")).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Weak" }, "W/" + Quoted(updated.Str("version")))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DeleteWithStaleIfMatchAnswersPreconditionFailedAndKeepsRecord()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Keep");
        var updated = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { description = "changed" })).ExpectAsync(HttpStatusCode.OK);

        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{created.Id()}", Quoted(created.Str("version"))))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{created.Id()}");

        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{created.Id()}", Quoted(updated.Str("version")))).ExpectAsync(HttpStatusCode.NoContent);
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{created.Id()}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PatchWithoutChangesKeepsVersion()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.CreateDepartmentAsync("Same");
        var response = await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{created.Id()}", new { name = "Same" });
        var same = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.Str("version"), same.Str("version"));
        Assert.Equal(Quoted(created.Str("version")), response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task TenantRequiringIfMatchAnswersPreconditionRequiredWithoutIt()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Guarded");
        await RequireIfMatchAsync(tenant);

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Unguarded" }))
            .ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "record.if_match_required");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}"))
            .ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "record.if_match_required");
        Assert.Equal("Guarded", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("name"));

        var updated = await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Guarded Too" }, Quoted(department.Str("version"))))
            .ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}", Quoted(updated.Str("version")))).ExpectAsync(HttpStatusCode.NoContent);

        // Creating needs no If-Match.
        await tenant.CreateDepartmentAsync("New");
    }

    [Fact]
    public async Task TenantRequiringIfMatchAppliesToUsersToo()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync();
        await RequireIfMatchAsync(tenant);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { name = "Unguarded" }))
            .ExpectProblemAsync(HttpStatusCode.PreconditionRequired, "record.if_match_required");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { name = "Guarded" }, Quoted(user.Str("version")))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TenantRequiringIfMatchRefusesBatchUpdateAndDeleteItemsWithoutIt()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Guarded");
        await RequireIfMatchAsync(tenant);

        var update = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/update",
            new { inputs = new[] { new { id = department.Id(), patch = new { name = "Unguarded" } } } }, (HttpStatusCode)207);
        Assert.Equal(428, update.GetProperty("results")[0].GetProperty("status").GetInt32());
        var delete = await tenant.Admin.PostJsonAsync("/api/v1/departments/batch/delete", new { inputs = new[] { new { id = department.Id() } } }, (HttpStatusCode)207);
        Assert.Equal(428, delete.GetProperty("results")[0].GetProperty("status").GetInt32());

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        Assert.Equal("Guarded", read.Str("name"));
        Assert.Equal(department.Str("version"), read.Str("version"));
    }
}
