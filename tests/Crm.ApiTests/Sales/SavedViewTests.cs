using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Sales;

/// <summary>Saved views: per author, optionally shared, checked like searches, never a way round data scope.</summary>
public sealed class SavedViewTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static object View(string name, bool shared = false, string entityType = "customers", object? filterGroups = null, object? sort = null, object? columns = null) => new
    {
        name,
        entityType,
        shared,
        filterGroups = filterGroups ?? new[] { new { filters = new[] { new { field = "level", op = "eq", value = "a" } } } },
        sort = sort ?? new[] { new { field = "name", dir = "asc" } },
        columns = columns ?? new[] { "name", "ownerId", "lastFollowUpAt" },
    };

    [Fact]
    public async Task AuthorCreatesReadsChangesAndDeletesAView()
    {
        var tenant = await app.NewTenantAsync();
        var (repId, rep) = await app.NewSellerAsync(tenant);
        var response = await rep.PostAsJsonAsync("/api/v1/saved-views", View("My A customers"));
        var view = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/saved-views/{view.Id()}", response.Headers.Location?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(repId, view.Str("createdBy"));
        Assert.Equal("level", view.GetProperty("filterGroups")[0].GetProperty("filters")[0].Str("field"));
        Assert.Equal(3, view.GetProperty("columns").GetArrayLength());

        var read = await rep.GetAsync($"/api/v1/saved-views/{view.Id()}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await rep.PatchJsonAsync($"/api/v1/saved-views/{view.Id()}", new { name = "Stale" }, "\"stale\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var changed = await (await rep.PatchJsonAsync($"/api/v1/saved-views/{view.Id()}", new { name = "Best customers", shared = true }, read.Headers.ETag!.ToString()))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Best customers", changed.Str("name"));
        Assert.True(changed.GetProperty("shared").GetBoolean());

        await (await rep.DeleteAsync($"/api/v1/saved-views/{view.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await rep.GetJsonAsync($"/api/v1/saved-views/{view.Id()}", HttpStatusCode.NotFound);
        Assert.Empty(await rep.ListAllAsync("/api/v1/saved-views"));
    }

    [Fact]
    public async Task FiltersSortAndColumnsAreCheckedAgainstTheRecordType()
    {
        var tenant = await app.NewTenantAsync();
        var (_, rep) = await app.NewSellerAsync(tenant);
        async Task<System.Text.Json.JsonElement> Refused(object body, string code) =>
            await (await rep.PostAsJsonAsync("/api/v1/saved-views", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);

        await Refused(View("x", entityType: "planets"), "savedView.unknown_entity_type");
        // Users are not an owned record type: a view of them would be a directory query, not a search.
        await Refused(View("x", entityType: "users"), "savedView.unknown_entity_type");
        var filter = await Refused(View("x", filterGroups: new[] { new { filters = new[] { new { field = "secret", op = "eq", value = "1" } } } }), "search.invalid_filter");
        Assert.Contains("filterGroups[0].filters[0].field", filter.ErrorFields());
        await Refused(View("x", filterGroups: new[] { new { filters = new[] { new { field = "level", op = "in", value = "a" } } } }), "search.invalid_filter");
        // A custom field sorts a view only once the tenant made it sortable.
        await Refused(View("x", sort: new[] { new { field = "customFields.score", dir = "asc" } }), "search.sort_unsupported");
        await tenant.DefineCustomFieldAsync("customers", "score", "number");
        await Refused(View("x", sort: new[] { new { field = "customFields.score", dir = "asc" } }), "search.sort_unsupported");
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/customers/score", new { sortable = true })).ExpectAsync(HttpStatusCode.OK);
        var sorted = await rep.PostJsonAsync("/api/v1/saved-views", View("By score", sort: new[] { new { field = "customFields.score", dir = "desc" } }), HttpStatusCode.Created);
        await (await rep.DeleteAsync($"/api/v1/saved-views/{sorted.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Contains("sort", (await Refused(View("x", sort: new[] { new { field = "phone", dir = "asc" } }), "validation.failed")).ErrorFields());
        Assert.Contains("columns", (await Refused(View("x", columns: new[] { "name", "nope" }), "validation.failed")).ErrorFields());
        Assert.Contains("name", (await Refused(View("   "), "validation.failed")).ErrorFields());

        // A filter and a column on a custom field, or a view of another owned type, are fine.
        await rep.PostJsonAsync("/api/v1/saved-views", View("Scored", filterGroups: new[] { new { filters = new[] { new { field = "customFields.score", op = "gt", value = 3 } } } },
            columns: new[] { "id", "name", "customFields.score" }), HttpStatusCode.Created);
        await rep.PostJsonAsync("/api/v1/saved-views", View("Open deals", entityType: "opportunities",
            filterGroups: new[] { new { filters = new[] { new { field = "status", op = "eq", value = "open" } } } }, columns: new[] { "name" }), HttpStatusCode.Created);
        Assert.Equal(2, (await rep.ListAllAsync("/api/v1/saved-views")).Count);
        Assert.Single(await rep.ListAllAsync("/api/v1/saved-views?entityType=opportunities"));
    }

    [Fact]
    public async Task NamesAreUniquePerAuthorAndRecordType()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        var first = await a.PostJsonAsync("/api/v1/saved-views", View("Hot leads"), HttpStatusCode.Created);
        await (await a.PostAsJsonAsync("/api/v1/saved-views", View(" hot  LEADS "))).ExpectProblemAsync(HttpStatusCode.Conflict, "savedView.duplicate_name");
        await a.PostJsonAsync("/api/v1/saved-views", View("Hot leads", entityType: "contacts", filterGroups: Array.Empty<object>(), sort: Array.Empty<object>(), columns: new[] { "name" }), HttpStatusCode.Created);
        await b.PostJsonAsync("/api/v1/saved-views", View("Hot leads"), HttpStatusCode.Created);
        var second = await a.PostJsonAsync("/api/v1/saved-views", View("Cold"), HttpStatusCode.Created);
        await (await a.PatchJsonAsync($"/api/v1/saved-views/{second.Id()}", new { name = "Hot Leads" })).ExpectProblemAsync(HttpStatusCode.Conflict, "savedView.duplicate_name");
        Assert.Equal("Hot leads", (await a.GetJsonAsync($"/api/v1/saved-views/{first.Id()}")).Str("name"));
    }

    [Fact]
    public async Task SharedViewsAreSeenByAllButChangedOnlyByTheAuthorOrSettingsManage()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        var mine = await a.PostJsonAsync("/api/v1/saved-views", View("Private"), HttpStatusCode.Created);
        var ours = await a.PostJsonAsync("/api/v1/saved-views", View("Team view", shared: true), HttpStatusCode.Created);
        var bOwn = await b.PostJsonAsync("/api/v1/saved-views", View("B's"), HttpStatusCode.Created);

        var listed = (await b.ListAllAsync("/api/v1/saved-views")).Select(v => v.Id()).ToList();
        Assert.Equal(new[] { ours.Id(), bOwn.Id() }.Order(), listed.Order());
        await b.GetJsonAsync($"/api/v1/saved-views/{mine.Id()}", HttpStatusCode.NotFound);
        await (await b.PatchJsonAsync($"/api/v1/saved-views/{mine.Id()}", new { name = "Hijack" })).ExpectProblemAsync(HttpStatusCode.NotFound, "savedView.not_found");
        await b.GetJsonAsync($"/api/v1/saved-views/{ours.Id()}");
        await (await b.PatchJsonAsync($"/api/v1/saved-views/{ours.Id()}", new { name = "Hijack" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "savedView.not_author");
        await (await b.DeleteAsync($"/api/v1/saved-views/{ours.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "savedView.not_author");
        Assert.Equal("Team view", (await a.GetJsonAsync($"/api/v1/saved-views/{ours.Id()}")).Str("name"));

        // An administrator (settings.manage) tidies shared views up.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/saved-views/{ours.Id()}", new { name = "Team view (old)" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/saved-views/{ours.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain(await b.ListAllAsync("/api/v1/saved-views"), v => v.Id() == ours.Id());
        await (await app.CreateClient().GetAsync("/api/v1/saved-views")).ExpectAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RunningASharedViewNeverWidensTheRunnersScope()
    {
        var tenant = await app.NewTenantAsync();
        var (_, a) = await app.NewSellerAsync(tenant);
        var (_, b) = await app.NewSellerAsync(tenant);
        var prefix = "Scoped " + Api.Stamp();
        var own = await a.CreateCustomerAsync($"{prefix} mine", level: "a");
        var other = await b.CreateCustomerAsync($"{prefix} theirs", level: "a");
        var view = await tenant.Admin.PostJsonAsync("/api/v1/saved-views", View("All A", shared: true,
            filterGroups: new[] { new { filters = new[] { new { field = "level", op = "eq", value = "a" }, new { field = "name", op = "startsWith", value = prefix } } } }), HttpStatusCode.Created);

        var saved = await a.GetJsonAsync($"/api/v1/saved-views/{view.Id()}");
        var body = new { filterGroups = saved.GetProperty("filterGroups"), sort = saved.GetProperty("sort") };
        var aSees = (await a.PostJsonAsync("/api/v1/customers/search", body, HttpStatusCode.OK)).Ids();
        Assert.Equal([own.Id()], aSees);
        var adminSees = (await tenant.Admin.PostJsonAsync("/api/v1/customers/search", body, HttpStatusCode.OK)).Ids();
        Assert.Equal(new[] { own.Id(), other.Id() }.Order(), adminSees.Order());
    }
}
