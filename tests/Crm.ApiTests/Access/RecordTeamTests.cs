using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Access;

public sealed class RecordTeamTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TeamMembersSeeTheRecordsEventsFromWhenTheyJoined()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, [.. AccessSetup.AllMemoRights, "events.view"]);
        var (ownerId, owner) = await tenant.NewMemberAsync(null, null, role);
        var (memberId, member) = await tenant.NewMemberAsync(null, null, role);
        var memo = await owner.CreateMemoAsync("feed memo");
        await owner.PostJsonAsync($"/api/v1/memos/{memo}/team", new { userId = memberId, access = "read" }, HttpStatusCode.OK);
        await (await owner.PatchJsonAsync($"/api/v1/memos/{memo}", new { name = "feed memo, renamed" })).ExpectAsync(HttpStatusCode.OK);

        // The creation happened before the member joined; the team change and the rename after.
        var all = await Http.EventuallyAsync(() => owner.GetJsonAsync("/api/v1/events?types=crm.memo.created,crm.memo.updated"), p => p.Items().Count == 3);
        var seen = await member.GetJsonAsync("/api/v1/events?types=crm.memo.created,crm.memo.updated");
        Assert.Equal(["crm.memo.updated", "crm.memo.updated"], seen.Items().Select(e => e.Str("type")));
        Assert.All(seen.Items(), e => Assert.Equal(ownerId, e.GetProperty("data").Str("ownerId")));
        Assert.Equal(all.Items().Skip(1).Select(e => e.Id()), seen.Items().Select(e => e.Id()));
    }

    [Fact]
    public async Task ReadWriteSeatLetsAMemberEditAndRemovingItHidesTheRecordAgain()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, AccessSetup.AllMemoRights);
        var (ownerId, owner) = await tenant.NewMemberAsync(null, null, role);
        var (memberId, member) = await tenant.NewMemberAsync(null, null, role);
        var memo = await owner.CreateMemoAsync("shared memo");
        await member.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);
        await (await member.GetAsync($"/api/v1/memos/{memo}/team")).ExpectProblemAsync(HttpStatusCode.NotFound, "memo.not_found");

        var before = await owner.GetJsonAsync($"/api/v1/memos/{memo}");
        var withRead = await owner.PostJsonAsync($"/api/v1/memos/{memo}/team", new { userId = memberId, access = "read" }, HttpStatusCode.OK);
        Assert.NotEqual(before.Str("version"), withRead.Str("version"));
        Assert.Equal(ownerId, withRead.Str("ownerId"));
        await member.GetJsonAsync($"/api/v1/memos/{memo}");
        Assert.Contains(memo, (await member.GetJsonAsync("/api/v1/memos")).Ids());
        await (await member.PatchJsonAsync($"/api/v1/memos/{memo}", new { name = "by member" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");
        await (await member.PostAsJsonAsync($"/api/v1/memos/{memo}/team", new { userId = memberId, access = "readWrite" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");

        await owner.PostJsonAsync($"/api/v1/memos/{memo}/team", new { userId = memberId, access = "readWrite", until = DateTimeOffset.UtcNow.AddDays(7) }, HttpStatusCode.OK);
        var team = await member.GetJsonAsync($"/api/v1/memos/{memo}/team");
        var seat = Assert.Single(team.Items());
        Assert.Equal(memberId, seat.Str("userId"));
        Assert.Equal("readWrite", seat.Str("access"));
        Assert.Equal(JsonValueKindString, seat.GetProperty("until").ValueKind);
        await (await member.PatchJsonAsync($"/api/v1/memos/{memo}", new { name = "by member" })).ExpectAsync(HttpStatusCode.OK);
        await (await member.DeleteAsync($"/api/v1/memos/{memo}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.out_of_scope");

        var removed = await (await owner.DeleteAsync($"/api/v1/memos/{memo}/team/{memberId}", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(removed.GetProperty("team").EnumerateArray());
        await member.GetJsonAsync($"/api/v1/memos/{memo}", HttpStatusCode.NotFound);
        await (await owner.DeleteAsync($"/api/v1/memos/{memo}/team/{memberId}", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "teamMember.not_found");

        var history = await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordId={memo}");
        Assert.True(history.Items().Count(e => e.GetProperty("changes").TryGetProperty("team", out _)) >= 3);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindString = System.Text.Json.JsonValueKind.String;

    [Fact]
    public async Task RefusesUnknownUsersTheOwnerPastDatesAndStaleVersions()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, _) = await tenant.NewMemberAsync(null, null);
        var memo = await tenant.Admin.CreateMemoAsync("memo", staffId);
        var url = $"/api/v1/memos/{memo}/team";
        await (await tenant.Admin.PostAsJsonAsync(url, new { userId = "01aaaaaaaaaaaaaaaaaaaaaaaa", access = "read" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "team.user_not_found");
        await (await tenant.Admin.PostAsJsonAsync(url, new { userId = staffId, access = "read" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "team.owner");
        await (await tenant.Admin.PostAsJsonAsync(url, new { userId = tenant.AdminUserId, access = "read", until = DateTimeOffset.UtcNow.AddDays(-1) }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync(url, new { userId = tenant.AdminUserId })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.SendAsync(HttpMethod.Post, url, new { userId = tenant.AdminUserId, access = "read" }, ("If-Match", "\"stale\"")))
            .ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        Assert.Empty((await tenant.Admin.GetJsonAsync(url)).Items());
    }
}
