using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Organisation;
using Crm.Storage.Records;

namespace Crm.ApiTests.Conventions;

/// <summary>A request either fully succeeds or changes nothing, also under concurrent writers (checked in the tables).</summary>
public sealed class AtomicityTests(CrmApp app) : IClassFixture<CrmApp>
{
    /// <summary>
    /// Every row of the tenant's partition with its ETag, outbox rows left out: the background
    /// dispatcher removes those at its own pace (the event feed tests cover what they carry).
    /// </summary>
    private async Task<SortedDictionary<string, string>> RowsAsync<T>(TestTenant tenant) where T : Crm.Domain.Common.RecordBase
    {
        var table = app.Service<RecordStore<T>>().Table;
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == tenant.Id))
        {
            if (!row.RowKey.StartsWith("o~", StringComparison.Ordinal))
            {
                rows[row.RowKey] = row.ETag.ToString();
            }
        }
        return rows;
    }

    private async Task AssertUnchangedAsync(TestTenant tenant, Func<Task> failingWrite)
    {
        var departments = await RowsAsync<Department>(tenant);
        var users = await RowsAsync<User>(tenant);
        await failingWrite();
        Assert.Equal(departments, await RowsAsync<Department>(tenant));
        Assert.Equal(users, await RowsAsync<User>(tenant));
    }

    [Fact]
    public async Task FailedDepartmentWritesLeaveNoRowBehind()
    {
        var tenant = await app.NewTenantAsync();
        var parent = await tenant.CreateDepartmentAsync("Parent");
        var child = await tenant.CreateDepartmentAsync("Child", parent.Id());
        await tenant.CreateDepartmentAsync("Taken");

        await AssertUnchangedAsync(tenant, async () =>
        {
            await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "TAKEN" })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{parent.Id()}", new { name = "Taken" })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{parent.Id()}", new { parentId = child.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.cycle");
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{parent.Id()}", new { name = "Renamed", sortOrder = "x" })).ExpectAsync(HttpStatusCode.BadRequest);
            await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{parent.Id()}")).ExpectProblemAsync(HttpStatusCode.Conflict, "department.has_children");
            await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{child.Id()}", "\"stale\"")).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        });
    }

    [Fact]
    public async Task FailedUserWritesLeaveNoRowBehind()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateUserAsync("first@example.test");
        var b = await tenant.CreateUserAsync(superiorId: a.Id());

        await AssertUnchangedAsync(tenant, async () =>
        {
            await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login = "FIRST@example.test", password = Api.StaffPassword, name = "Dup" }))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "user.duplicate_login");
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{a.Id()}", new { superiorId = b.Id() })).ExpectProblemAsync(HttpStatusCode.Conflict, "user.superior_cycle");
            await (await tenant.Admin.PostAsync($"/api/v1/users/{tenant.AdminUserId}/disable", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "user.last_super_admin");
            await (await tenant.Admin.PostAsJsonAsync($"/api/v1/users/{a.Id()}/reset-password", new { newPassword = "short" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
            await (await tenant.Admin.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "wrong-password", newPassword = "Another-Pass-9" }))
                .ExpectProblemAsync(HttpStatusCode.BadRequest, "password.wrong_current");
        });
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneNameLetExactlyOneWin()
    {
        var tenant = await app.NewTenantAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Race" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments?q=race"));
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/departments?name=Race"));
    }

    [Fact]
    public async Task ConcurrentPatchesWithoutIfMatchLoseNoUpdate()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Busy");
        var url = $"/api/v1/departments/{department.Id()}";
        var responses = await Task.WhenAll(
            tenant.Admin.PatchJsonAsync(url, new { name = "Busy Renamed" }),
            tenant.Admin.PatchJsonAsync(url, new { description = "described" }),
            tenant.Admin.PatchJsonAsync(url, new { sortOrder = 7 }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var read = await tenant.Admin.GetJsonAsync(url);
        Assert.Equal("Busy Renamed", read.Str("name"));
        Assert.Equal("described", read.Str("description"));
        Assert.Equal(7, read.GetProperty("sortOrder").GetInt32());
        // Every index agrees with the record.
        Assert.Equal([department.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?q=busyren")).Select(d => d.Id()));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?name=Busy"));
        Assert.Equal(3, (await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={department.Id()}&recordType=department")).Count(e => e.Str("action") == "updated"));
    }

    [Fact]
    public async Task ConcurrentPatchesWithTheSameIfMatchLetExactlyOneWin()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Contended");
        var etag = $"\"{department.Str("version")}\"";
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { description = $"writer {i}" }, etag)));
        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != winner), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var won = await winner.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(won.Str("description"), (await tenant.Admin.GetJsonAsync($"/api/v1/departments/{department.Id()}")).Str("description"));
    }
}
