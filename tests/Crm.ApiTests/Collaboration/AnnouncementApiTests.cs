using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Collaboration;

public sealed class AnnouncementApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task AnnouncementsReachTheirAudienceWhoLeaveReadReceipts()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales " + Api.Stamp());
        var east = await tenant.CreateDepartmentAsync("East " + Api.Stamp(), sales.Id());
        var support = await tenant.CreateDepartmentAsync("Support " + Api.Stamp());
        var (seller, sellerClient) = await tenant.NewMemberAsync(east.Id(), null);
        var (_, agent) = await tenant.NewMemberAsync(support.Id(), null);

        var everyone = await tenant.Admin.PostJsonAsync("/api/v1/announcements", new { title = "Office closed Friday", body = "Maintenance." }, HttpStatusCode.Created);
        var forSales = await tenant.Admin.PostJsonAsync("/api/v1/announcements", new { title = "New price list", body = "From Monday.", departmentIds = new[] { sales.Id() }, pinned = true },
            HttpStatusCode.Created);
        var draft = await tenant.Admin.PostJsonAsync("/api/v1/announcements", new { title = "Draft", body = "Not yet." }, HttpStatusCode.Created);
        Assert.Empty((await sellerClient.GetJsonAsync("/api/v1/announcements/feed")).Items());

        await tenant.Admin.PostJsonAsync($"/api/v1/announcements/{everyone.Id()}/publish", new { }, HttpStatusCode.OK);
        var published = await tenant.Admin.PostJsonAsync($"/api/v1/announcements/{forSales.Id()}/publish", new { }, HttpStatusCode.OK);
        Assert.Equal(tenant.AdminUserId, published.Str("publishedBy"));
        await (await tenant.Admin.PostAsync($"/api/v1/announcements/{forSales.Id()}/publish", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "announcement.published");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/announcements/{forSales.Id()}", new { title = "Changed" })).ExpectProblemAsync(HttpStatusCode.Conflict, "announcement.published");

        // A member of a department under Sales gets both, pinned first; Support only the one for everyone.
        var feed = await sellerClient.GetJsonAsync("/api/v1/announcements/feed");
        Assert.Equal([forSales.Id(), everyone.Id()], feed.Ids());
        Assert.Equal(2, feed.GetProperty("unread").GetInt32());
        Assert.Equal([everyone.Id()], (await agent.GetJsonAsync("/api/v1/announcements/feed")).Ids());

        await (await sellerClient.PostAsync($"/api/v1/announcements/{forSales.Id()}/read", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await sellerClient.PostAsync($"/api/v1/announcements/{forSales.Id()}/read", null)).ExpectAsync(HttpStatusCode.NoContent);
        var after = await sellerClient.GetJsonAsync("/api/v1/announcements/feed?unread=true");
        Assert.Equal([everyone.Id()], after.Ids());
        Assert.Equal(1, after.GetProperty("unread").GetInt32());
        // Outside the audience, or a draft: as unknown as a missing one.
        await (await agent.PostAsync($"/api/v1/announcements/{forSales.Id()}/read", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "announcement.not_found");
        await (await sellerClient.PostAsync($"/api/v1/announcements/{draft.Id()}/read", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "announcement.not_found");

        var receipts = await tenant.Admin.GetJsonAsync($"/api/v1/announcements/{forSales.Id()}/receipts");
        var receipt = Assert.Single(receipts.Items());
        Assert.Equal(seller, receipt.Str("userId"));
        await sellerClient.GetJsonAsync($"/api/v1/announcements/{forSales.Id()}/receipts", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnAudienceNamesDepartmentsThatExist()
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/announcements", new { title = "To nobody", body = "x", departmentIds = new[] { "01hzzzzzzzzzzzzzzzzzzzzzzz" } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "announcement.department_not_found");
        Assert.Contains("departmentIds[0]", problem.ErrorFields());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/announcements")).Items());
    }
}
