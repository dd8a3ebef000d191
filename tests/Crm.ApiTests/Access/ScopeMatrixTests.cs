using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Access;

/// <summary>
/// Five scopes × six operations × six relations between the caller and a record's owner, through HTTP:
/// outside scope 404, visible without the right 403, within scope 200.
/// </summary>
public sealed class ScopeMatrixTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly string[] Relations = ["own", "subordinate", "sameDepartment", "childDepartment", "otherDepartment", "teamMember"];

    private static bool Covers(DataScope scope, string relation) => relation == "own" || scope switch
    {
        DataScope.SelfAndSubordinates => relation == "subordinate",
        DataScope.Department => relation == "sameDepartment",
        DataScope.DepartmentAndChildren => relation is "sameDepartment" or "childDepartment",
        DataScope.All => true,
        _ => false,
    };

    [Theory]
    [InlineData(DataScope.Self)]
    [InlineData(DataScope.SelfAndSubordinates)]
    [InlineData(DataScope.Department)]
    [InlineData(DataScope.DepartmentAndChildren)]
    [InlineData(DataScope.All)]
    public async Task EachScopeReachesExactlyItsOwnersForEveryOperation(DataScope scope)
    {
        var tenant = await app.NewTenantAsync();
        var sales = (await tenant.CreateDepartmentAsync("Sales")).Id();
        var east = (await tenant.CreateDepartmentAsync("Sales East", sales)).Id();
        var other = (await tenant.CreateDepartmentAsync("Service")).Id();
        var elsewhere = (await tenant.CreateDepartmentAsync("Finance")).Id();
        var role = await app.CreateRoleAsync(tenant, scope, AccessSetup.AllMemoRights);
        var (viewerId, viewer) = await tenant.NewMemberAsync(sales, null, role);
        var owners = new Dictionary<string, string>
        {
            ["subordinate"] = (await tenant.NewMemberAsync(elsewhere, viewerId)).Id,
            ["sameDepartment"] = (await tenant.NewMemberAsync(sales, null)).Id,
            ["childDepartment"] = (await tenant.NewMemberAsync(east, null)).Id,
            ["otherDepartment"] = (await tenant.NewMemberAsync(other, null)).Id,
            ["teamMember"] = (await tenant.NewMemberAsync(other, null)).Id,
        };
        var memos = new Dictionary<string, string> { ["own"] = await viewer.CreateMemoAsync("memo own") };
        foreach (var (relation, ownerId) in owners)
        {
            memos[relation] = await tenant.Admin.CreateMemoAsync("memo " + relation, ownerId);
        }
        await tenant.Admin.PostJsonAsync($"/api/v1/memos/{memos["teamMember"]}/team", new { userId = viewerId, access = "read" }, HttpStatusCode.OK);

        var listed = (await viewer.ListAllAsync("/api/v1/memos?limit=2")).Select(m => m.Id()).ToHashSet();
        var searched = (await (await viewer.PostAsJsonAsync("/api/v1/memos/search", new { q = "memo", limit = 200 })).ExpectAsync(HttpStatusCode.OK)).Ids().ToHashSet();
        var exported = await (await viewer.GetAsync("/api/v1/memos/export?format=csv")).Content.ReadAsStringAsync();

        var expected = new List<string>();
        var actual = new List<string>();
        foreach (var relation in Relations)
        {
            var id = memos[relation];
            var visible = Covers(scope, relation) || relation == "teamMember";
            string Seen(bool shown) => shown ? "200" : "404";
            expected.Add($"{relation}: get {Seen(visible)}, list {Seen(visible)}, search {Seen(visible)}, export {Seen(visible)}, "
                + $"update {(Covers(scope, relation) ? "200" : visible ? "403" : "404")}, delete {(Covers(scope, relation) ? "204" : visible ? "403" : "404")}");
            var get = (int)(await viewer.GetAsync($"/api/v1/memos/{id}")).StatusCode;
            var update = (int)(await viewer.PatchJsonAsync($"/api/v1/memos/{id}", new { name = "memo changed" })).StatusCode;
            var delete = (int)(await viewer.DeleteAsync($"/api/v1/memos/{id}", null)).StatusCode;
            actual.Add($"{relation}: get {get}, list {Seen(listed.Contains(id))}, search {Seen(searched.Contains(id))}, export {Seen(exported.Contains(id, StringComparison.Ordinal))}, "
                + $"update {update}, delete {delete}");
        }
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ChangingASuperiorOrDepartmentChangesWhatOthersSeeAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        var sales = (await tenant.CreateDepartmentAsync("Sales")).Id();
        var other = (await tenant.CreateDepartmentAsync("Service")).Id();
        var (managerId, manager) = await tenant.NewMemberAsync(sales, null, await app.CreateRoleAsync(tenant, DataScope.SelfAndSubordinates, AccessSetup.AllMemoRights));
        var (_, colleague) = await tenant.NewMemberAsync(sales, null, await app.CreateRoleAsync(tenant, DataScope.Department, AccessSetup.AllMemoRights));
        var (staffId, _) = await tenant.NewMemberAsync(other, null);
        var memo = await tenant.Admin.CreateMemoAsync("memo of staff", staffId);

        await manager.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);
        await colleague.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);
        Assert.DoesNotContain(memo, (await manager.GetJsonAsync("/api/v1/memos")).Ids());

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{staffId}", new { superiorId = managerId })).ExpectAsync(HttpStatusCode.OK);
        await manager.GetJsonAsync($"/api/v1/memos/{memo}");
        Assert.Contains(memo, (await manager.GetJsonAsync("/api/v1/memos")).Ids());
        await colleague.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);

        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{staffId}", new { departmentId = sales, superiorId = (string?)null })).ExpectAsync(HttpStatusCode.OK);
        await colleague.GetJsonAsync($"/api/v1/memos/{memo}");
        Assert.Contains(memo, (await colleague.GetJsonAsync("/api/v1/memos")).Ids());
        await manager.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);
    }
}
