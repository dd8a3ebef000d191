using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.RecycleBin;

public sealed class RecycleBinApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static Task<HttpResponseMessage> RestoreAsync(TestTenant tenant, string id, string type = "department") =>
        tenant.Admin.PostAsync($"/api/v1/recycle-bin/{type}/{id}/restore", null);

    private static Task<HttpResponseMessage> PurgeAsync(TestTenant tenant, string id, string type = "department") =>
        tenant.Admin.DeleteAsync($"/api/v1/recycle-bin/{type}/{id}");

    private static async Task DeleteAsync(TestTenant tenant, string id) =>
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{id}")).ExpectAsync(HttpStatusCode.NoContent);

    [Fact]
    public async Task DeletedDepartmentLeavesReadsAndListsAndEntersTheBin()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Binned");
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await DeleteAsync(tenant, department.Id());

        await (await tenant.Admin.GetAsync($"/api/v1/departments/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        Assert.DoesNotContain(department.Id(), (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Id()));
        Assert.DoesNotContain(department.Id(), (await tenant.Admin.ListAllAsync("/api/v1/departments?sort=createdAt")).Select(d => d.Id()));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?q=binned"));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?name=Binned"));
        Assert.DoesNotContain(department.Id(), (await tenant.Admin.PostJsonAsync("/api/v1/departments/search", new { }, HttpStatusCode.OK)).Ids());
        var tree = await tenant.Admin.GetJsonAsync("/api/v1/departments/tree");
        Assert.DoesNotContain(department.Id(), tree.GetRawText(), StringComparison.Ordinal);

        var bin = await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin");
        var entry = Assert.Single(bin.Items());
        Assert.Equal("department", entry.Str("type"));
        Assert.Equal(department.Id(), entry.Id());
        Assert.Equal("Binned", entry.Str("name"));
        Assert.InRange(entry.GetProperty("deletedAt").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(tenant.AdminUserId, entry.Str("deletedBy"));
    }

    [Fact]
    public async Task BinListsMostRecentlyDeletedFirstAndPages()
    {
        var tenant = await app.NewTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var department = await tenant.CreateDepartmentAsync($"Old {i}");
            await DeleteAsync(tenant, department.Id());
            ids.Add(department.Id());
        }
        ids.Reverse();

        Assert.Equal(ids, (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Ids());
        Assert.Equal(ids, (await tenant.Admin.ListAllAsync("/api/v1/recycle-bin?limit=2")).Select(e => e.Id()));
        Assert.Equal(ids, (await tenant.Admin.ListAllAsync("/api/v1/recycle-bin?type=department&limit=3")).Select(e => e.Id()));
    }

    [Theory]
    [InlineData("type=user")]
    [InlineData("type=nothing")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    public async Task RefusesBadBinQuery(string query)
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.GetAsync($"/api/v1/recycle-bin?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task RestoreBringsTheDepartmentBack()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Phoenix", description: "rises", sortOrder: 4);
        await DeleteAsync(tenant, department.Id());

        var response = await RestoreAsync(tenant, department.Id());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var read = await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
        Assert.Equal("Phoenix", read.Str("name"));
        Assert.Equal("rises", read.Str("description"));
        Assert.Equal(4, read.GetProperty("sortOrder").GetInt32());
        Assert.Equal(department.Str("createdAt"), read.Str("createdAt"));
        Assert.NotEqual(department.Str("version"), read.Str("version"));
        Assert.Contains(department.Id(), (await tenant.Admin.ListAllAsync("/api/v1/departments")).Select(d => d.Id()));
        Assert.Equal([department.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?q=phoe")).Select(d => d.Id()));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Items());

        // Restored means live: its name is taken again.
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "phoenix" })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        // Restoring twice finds nothing in the bin.
        await (await RestoreAsync(tenant, department.Id())).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RestoreAnswersWithTheRestoredRecord()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Returned");
        await DeleteAsync(tenant, department.Id());
        var response = await RestoreAsync(tenant, department.Id());
        var restored = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(department.Id(), restored.Id());
        Assert.Equal("Returned", restored.Str("name"));
        Assert.Equal($"\"{restored.Str("version")}\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task RestoreRefusesNameTakenMeanwhile()
    {
        var tenant = await app.NewTenantAsync();
        var original = await tenant.CreateDepartmentAsync("Contested");
        await DeleteAsync(tenant, original.Id());
        var usurper = await tenant.CreateDepartmentAsync("CONTESTED");

        var problem = await (await RestoreAsync(tenant, original.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        Assert.Equal(usurper.Id(), problem.Str("existingId"));
        await (await tenant.Admin.GetAsync($"/api/v1/departments/{original.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        Assert.Equal([original.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Ids());

        // Once the name is free again, the restore works.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{usurper.Id()}", new { name = "Usurper" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await RestoreAsync(tenant, original.Id())).StatusCode);
        Assert.Equal("Contested", (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{original.Id()}")).Str("name"));
    }

    [Fact]
    public async Task RestoreUnderDeletedParentIsRefused()
    {
        var tenant = await app.NewTenantAsync();
        var parent = await tenant.CreateDepartmentAsync("Parent");
        var child = await tenant.CreateDepartmentAsync("Child", parent.Id());
        await DeleteAsync(tenant, child.Id());
        await DeleteAsync(tenant, parent.Id());

        await (await RestoreAsync(tenant, child.Id())).ExpectProblemAsync(HttpStatusCode.Conflict, "department.parent_deleted");
        await (await tenant.Admin.GetAsync($"/api/v1/departments/{child.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");

        Assert.Equal(HttpStatusCode.OK, (await RestoreAsync(tenant, parent.Id())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RestoreAsync(tenant, child.Id())).StatusCode);
        var tree = await tenant.Admin.GetJsonAsync("/api/v1/departments/tree");
        var parentNode = tree[0].GetProperty("children").EnumerateArray().Single(n => n.Id() == parent.Id());
        Assert.Equal(child.Id(), Assert.Single(parentNode.GetProperty("children").EnumerateArray()).Id());
    }

    [Fact]
    public async Task PurgeRemovesForGood()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Doomed");
        await DeleteAsync(tenant, department.Id());

        await (await PurgeAsync(tenant, department.Id())).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Items());
        await (await RestoreAsync(tenant, department.Id())).ExpectAsync(HttpStatusCode.NotFound);
        await (await PurgeAsync(tenant, department.Id())).ExpectAsync(HttpStatusCode.NotFound);
        await (await tenant.Admin.GetAsync($"/api/v1/departments/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "department.not_found");
        // The name is free.
        await tenant.CreateDepartmentAsync("Doomed");
    }

    [Fact]
    public async Task PurgeOfLiveRecordIsRefused()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Alive");
        await (await PurgeAsync(tenant, department.Id())).ExpectProblemAsync(HttpStatusCode.NotFound, "recycleBin.not_found");
        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}");
    }

    [Theory]
    [InlineData("user")]
    [InlineData("customers")]
    [InlineData("nothing")]
    public async Task RestoreOfUnknownTypeIsNotFound(string type)
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Typed");
        await DeleteAsync(tenant, department.Id());
        var response = await RestoreAsync(tenant, department.Id(), type);
        await response.ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TypeMayBeSingularOrPluralAsInTheRecordsUrls()
    {
        var tenant = await app.NewTenantAsync();
        var restored = await tenant.CreateDepartmentAsync("Plural Restore");
        var purged = await tenant.CreateDepartmentAsync("Plural Purge");
        var view = await tenant.Admin.PostJsonAsync("/api/v1/saved-views", new { entityType = "customers", name = "Binned view" }, HttpStatusCode.Created);
        await DeleteAsync(tenant, restored.Id());
        await DeleteAsync(tenant, purged.Id());
        await (await tenant.Admin.DeleteAsync($"/api/v1/saved-views/{view.Id()}")).ExpectAsync(HttpStatusCode.NoContent);

        Assert.Equal(2, (await tenant.Admin.ListAllAsync("/api/v1/recycle-bin?type=departments")).Count);
        Assert.Equal([view.Id()], (await tenant.Admin.ListAllAsync("/api/v1/recycle-bin?type=saved-views")).Select(e => e.Id()));
        Assert.Equal([view.Id()], (await tenant.Admin.ListAllAsync("/api/v1/recycle-bin?type=savedView")).Select(e => e.Id()));
        await (await RestoreAsync(tenant, restored.Id(), "departments")).ExpectAsync(HttpStatusCode.OK);
        await (await PurgeAsync(tenant, purged.Id(), "departments")).ExpectAsync(HttpStatusCode.NoContent);
        await (await RestoreAsync(tenant, view.Id(), "saved-views")).ExpectAsync(HttpStatusCode.OK);

        await tenant.Admin.GetJsonAsync($"/api/v1/departments/{restored.Id()}");
        await tenant.Admin.GetJsonAsync($"/api/v1/saved-views/{view.Id()}");
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Items());
    }

    [Fact]
    public void EveryDeletableTypesPluralIsTheCollectionItsRoutesUse()
    {
        var routes = app.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToList();
        var stores = app.Services.GetRequiredService<RecordTypeRegistry>().Stores.Where(s => s.CanDelete).ToList();
        Assert.NotEmpty(stores);
        // Some live under their parent's routes, with no collection of their own: dictionary items
        // (/dictionaries/{name}/items), task comments (/tasks/{id}/comments), taggings (/tags/{id}/records), and
        // announcement receipts (/announcements/{id}/read).
        string[] nested = ["dictionaryItem", "taskComment", "tagging", "announcementReceipt"];
        Assert.All(stores.Where(s => !nested.Contains(s.TypeName)),
            s => Assert.Contains(routes, r => r.StartsWith($"/api/v1/{s.Collection}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnotherTenantCannotSeeRestoreOrPurgeTheBin()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var department = await owner.CreateDepartmentAsync("Private Bin");
        await DeleteAsync(owner, department.Id());

        Assert.Empty((await intruder.Admin.GetJsonAsync("/api/v1/recycle-bin")).Items());
        await (await RestoreAsync(intruder, department.Id())).ExpectAsync(HttpStatusCode.NotFound);
        await (await PurgeAsync(intruder, department.Id())).ExpectAsync(HttpStatusCode.NotFound);
        Assert.Equal([department.Id()], (await owner.Admin.GetJsonAsync("/api/v1/recycle-bin")).Ids());
    }

    [Fact]
    public async Task NonAdminCannotUseTheBin()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Staff Cannot");
        await DeleteAsync(tenant, department.Id());
        var (_, staff) = await tenant.NewStaffAsync();

        await (await staff.GetAsync("/api/v1/recycle-bin")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.PostAsync($"/api/v1/recycle-bin/department/{department.Id()}/restore", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await staff.DeleteAsync($"/api/v1/recycle-bin/department/{department.Id()}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.Equal([department.Id()], (await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin")).Ids());
    }
}
