using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Access;

public sealed class OwnershipTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task ViewingEverythingButEditingOnlyOnesOwnAnswers403OnOthersRecords()
    {
        var tenant = await app.NewTenantAsync();
        var viewAll = await app.CreateRoleAsync(tenant, DataScope.All, ["memos.view"]);
        var editOwn = await app.CreateRoleAsync(tenant, DataScope.Self, ["memos.create", "memos.edit", "memos.delete"]);
        var (_, rep) = await tenant.NewMemberAsync(null, null, viewAll, editOwn);
        var (otherId, _) = await tenant.NewMemberAsync(null, null);
        var theirs = await tenant.Admin.CreateMemoAsync("theirs", otherId);
        var mine = await rep.CreateMemoAsync("mine");

        await rep.GetJsonAsync($"/api/v1/memos/{theirs}");
        await (await rep.PatchJsonAsync($"/api/v1/memos/{theirs}", new { name = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await rep.DeleteAsync($"/api/v1/memos/{theirs}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await rep.PatchJsonAsync($"/api/v1/memos/{mine}", new { name = "y" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("theirs", (await tenant.Admin.GetJsonAsync($"/api/v1/memos/{theirs}")).Str("name"));

        var batch = await (await rep.PostAsJsonAsync("/api/v1/memos/batch/update", new { inputs = new object[]
        {
            new { id = mine, patch = new { name = "z" } },
            new { id = theirs, patch = new { name = "z" } },
            new { id = "01aaaaaaaaaaaaaaaaaaaaaaaa", patch = new { name = "z" } },
        } })).ExpectAsync((HttpStatusCode)207);
        Assert.Equal([200, 403, 404], batch.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task OwnerDefaultsToTheCallerAndAnotherOwnerNeedsACreateScopeCoveringThem()
    {
        var tenant = await app.NewTenantAsync();
        var sales = (await tenant.CreateDepartmentAsync("Sales")).Id();
        var (repId, rep) = await tenant.NewMemberAsync(sales, null, await app.CreateRoleAsync(tenant, DataScope.Self, AccessSetup.AllMemoRights));
        var (managerId, manager) = await tenant.NewMemberAsync(sales, null, await app.CreateRoleAsync(tenant, DataScope.Department, AccessSetup.AllMemoRights));
        var (outsiderId, _) = await tenant.NewMemberAsync(null, null);

        Assert.Equal(repId, (await rep.GetJsonAsync($"/api/v1/memos/{await rep.CreateMemoAsync("mine")}")).Str("ownerId"));
        await (await rep.PostAsJsonAsync("/api/v1/memos", new { name = "for manager", ownerId = managerId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        var forRep = await manager.CreateMemoAsync("for rep", repId);
        Assert.Equal(repId, (await rep.GetJsonAsync($"/api/v1/memos/{forRep}")).Str("ownerId"));
        await (await manager.PostAsJsonAsync("/api/v1/memos", new { name = "for outsider", ownerId = outsiderId })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "nobody's", ownerId = "01aaaaaaaaaaaaaaaaaaaaaaaa" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "record.owner_not_found");
        Assert.Equal(2, (await rep.GetJsonAsync("/api/v1/memos")).Items().Count);
    }

    [Fact]
    public async Task APatchCannotTransferARecord()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, _) = await tenant.NewMemberAsync(null, null);
        var memo = await tenant.Admin.CreateMemoAsync("memo", staffId);
        var problem = await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { ownerId = tenant.AdminUserId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "record.transfer_required");
        Assert.Contains("ownerId", problem.ErrorFields());
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { ownerId = staffId, name = "same owner" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(staffId, (await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo}")).Str("ownerId"));
    }
}
