using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Collaboration;

public sealed class TagAndBookmarkApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task RecordsOfAnyTypeAreTaggedAndListedByTag()
    {
        var tenant = await app.NewTenantAsync();
        var (_, colleague) = await app.NewColleagueAsync(tenant, "customers.view", "customers.create", "tags.view", "tags.apply");
        var vip = await tenant.Admin.PostJsonAsync("/api/v1/tags", new { name = "VIP", color = "#FFAA00" }, HttpStatusCode.Created);
        var hot = await tenant.Admin.PostJsonAsync("/api/v1/tags", new { name = "Hot" }, HttpStatusCode.Created);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/tags", new { name = " vip " })).ExpectProblemAsync(HttpStatusCode.Conflict, "tag.duplicate_name");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/tags", new { name = "Red", color = "red" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        var own = await colleague.CreateCustomerAsync(SalesSetup.Unique("Own"));
        var hidden = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Admin's"));
        var task = await colleague.CreateTaskAsync(new { title = "Tagged task" });
        var first = await (await colleague.PutAsync($"/api/v1/tags/{vip.Id()}/records/customer/{own.Id()}", null)).ExpectAsync(HttpStatusCode.Created);
        var again = await (await colleague.PutAsync($"/api/v1/tags/{vip.Id()}/records/customer/{own.Id()}", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.Id(), again.Id());
        await (await colleague.PutAsync($"/api/v1/tags/{vip.Id()}/records/task/{task.Id()}", null)).ExpectAsync(HttpStatusCode.Created);
        await (await colleague.PutAsync($"/api/v1/tags/{hot.Id()}/records/customer/{own.Id()}", null)).ExpectAsync(HttpStatusCode.Created);
        await (await tenant.Admin.PutAsync($"/api/v1/tags/{vip.Id()}/records/customer/{hidden.Id()}", null)).ExpectAsync(HttpStatusCode.Created);
        // A record out of reach is not tagged, nor a type that cannot be.
        await (await colleague.PutAsync($"/api/v1/tags/{vip.Id()}/records/customer/{hidden.Id()}", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await colleague.PutAsync($"/api/v1/tags/{vip.Id()}/records/role/{hidden.Id()}", null)).ExpectProblemAsync(HttpStatusCode.BadRequest, "tag.record_type_unknown");

        // The tag's records as each caller may see them.
        var mine = (await colleague.GetJsonAsync($"/api/v1/tags/{vip.Id()}/records")).Items();
        Assert.Equal([("task", task.Id()), ("customer", own.Id())], mine.Select(r => (r.Str("recordType"), r.Str("recordId"))));
        Assert.Equal("Tagged task", mine[0].Str("name"));
        Assert.Equal(3, (await tenant.Admin.GetJsonAsync($"/api/v1/tags/{vip.Id()}/records")).Items().Count);
        Assert.Single((await colleague.GetJsonAsync($"/api/v1/tags/{vip.Id()}/records?recordType=customer")).Items());
        Assert.Equal(["Hot", "VIP"], (await colleague.GetJsonAsync($"/api/v1/tags/on/customer/{own.Id()}")).Items().Select(t => t.Str("name")));
        await colleague.GetJsonAsync($"/api/v1/tags/on/customer/{hidden.Id()}", HttpStatusCode.NotFound);

        await (await colleague.DeleteAsync($"/api/v1/tags/{vip.Id()}/records/customer/{own.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await colleague.DeleteAsync($"/api/v1/tags/{vip.Id()}/records/customer/{own.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(["Hot"], (await colleague.GetJsonAsync($"/api/v1/tags/on/customer/{own.Id()}")).Items().Select(t => t.Str("name")));
        // The tag list is the managers': a member without tags.create does not add to it.
        await (await colleague.PostAsJsonAsync("/api/v1/tags", new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task BookmarksAreTheirOwnersAlone()
    {
        var tenant = await app.NewTenantAsync();
        var (_, colleague) = await app.NewColleagueAsync(tenant, "customers.view", "customers.create");
        var customer = await colleague.CreateCustomerAsync(SalesSetup.Unique("Acme"));
        var hidden = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Admin's"));

        var toRecord = await colleague.PostJsonAsync("/api/v1/bookmarks", new { recordType = "customer", recordId = customer.Id() }, HttpStatusCode.Created);
        Assert.Equal(customer.Str("name"), toRecord.Str("title"));
        var toPage = await colleague.PostJsonAsync("/api/v1/bookmarks", new { url = "https://example.com/price-list", title = "Price list" }, HttpStatusCode.Created);
        await (await colleague.PostAsJsonAsync("/api/v1/bookmarks", new { recordType = "customer", recordId = customer.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "bookmark.exists");
        await (await colleague.PostAsJsonAsync("/api/v1/bookmarks", new { recordType = "customer", recordId = hidden.Id() }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await colleague.PostAsJsonAsync("/api/v1/bookmarks", new { title = "Nothing" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "bookmark.target_required");
        await (await colleague.PostAsJsonAsync("/api/v1/bookmarks", new { url = "https://x.cn", recordType = "customer", recordId = customer.Id() }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "bookmark.target_required");
        await (await colleague.PostAsJsonAsync("/api/v1/bookmarks", new { url = "javascript:alert(1)" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        Assert.Equal([toPage.Id(), toRecord.Id()], (await colleague.GetJsonAsync("/api/v1/bookmarks")).Ids());
        // Not even the admin sees or removes another user's bookmarks.
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/bookmarks")).Items());
        await (await tenant.Admin.DeleteAsync($"/api/v1/bookmarks/{toPage.Id()}", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "bookmark.not_found");
        await (await colleague.DeleteAsync($"/api/v1/bookmarks/{toPage.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal([toRecord.Id()], (await colleague.GetJsonAsync("/api/v1/bookmarks")).Ids());
    }
}
