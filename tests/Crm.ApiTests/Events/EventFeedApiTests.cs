using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Events;

/// <summary>GET /api/v1/events: every change as a CloudEvent, in publication order, resumable with after=.</summary>
public sealed class EventFeedApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    /// <summary>Every event currently in the feed after <paramref name="after"/>, following nextCursor.</summary>
    private static async Task<(List<JsonElement> Events, string? Last)> ReadAsync(HttpClient client, string? after = null, string? types = null, int limit = 100)
    {
        var events = new List<JsonElement>();
        var cursor = after;
        while (true)
        {
            var query = $"/api/v1/events?limit={limit}" + (cursor is null ? "" : $"&after={cursor}") + (types is null ? "" : $"&types={types}");
            var page = await client.GetJsonAsync(query);
            var items = page.Items();
            events.AddRange(items);
            var next = page.NextCursor();
            if (items.Count == 0 || next is null)
            {
                return (events, next ?? cursor);
            }
            cursor = next;
        }
    }

    /// <summary>Polls until events with all the given types for the subject are in the feed (the outbox is dispatched in the background).</summary>
    private static async Task<List<JsonElement>> EventuallyAsync(TestTenant tenant, Func<List<JsonElement>, bool> done) =>
        (await Http.EventuallyAsync(async () => (await ReadAsync(tenant.Admin)).Events, done)).ToList();

    private static bool Has(List<JsonElement> events, string subject, params string[] types) =>
        types.All(t => events.Any(e => e.Str("subject") == subject && e.Str("type") == t));

    /// <summary>
    /// The outbox is published record type by record type, so the administrator's crm.user.created
    /// may follow later department events: a test that needs the whole feed waits for it too.
    /// </summary>
    private static bool HasProvisioning(List<JsonElement> events, TestTenant tenant) =>
        Has(events, $"departments/{tenant.OfficeId}", "crm.department.created") && Has(events, $"users/{tenant.AdminUserId}", "crm.user.created")
        && events.Count(e => e.Str("type") == "crm.role.created") == BuiltInRoleCount
        && events.Count(e => e.Str("type") is "crm.dictionaryItem.created" or "crm.pipeline.created" or "crm.warehouse.created") == Api.SeededConfigurationRecords;

    private const int BuiltInRoleCount = 5;

    /// <summary>What provisioning writes besides the Office and the administrator: the built-in roles, the default dictionaries, pipeline and warehouse.</summary>
    private static readonly int ProvisionedExtras = BuiltInRoleCount + Api.SeededConfigurationRecords;

    [Fact]
    public async Task EveryChangeAppearsAsCloudEvent()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Evented");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Evented Twice" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True((await tenant.Admin.PostAsync($"/api/v1/recycle-bin/department/{department.Id()}/restore", null)).IsSuccessStatusCode);
        var user = await tenant.CreateUserAsync(name: "Evented Person");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { position = "Tester" })).ExpectAsync(HttpStatusCode.OK);

        var departmentSubject = $"departments/{department.Id()}";
        var userSubject = $"users/{user.Id()}";
        var events = await EventuallyAsync(tenant, e =>
            Has(e, departmentSubject, "crm.department.created", "crm.department.updated", "crm.department.deleted", "crm.department.restored")
            && Has(e, userSubject, "crm.user.created", "crm.user.updated")
            && HasProvisioning(e, tenant));

        Assert.Equal(8 + ProvisionedExtras, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Id()).Distinct().Count());
        foreach (var e in events)
        {
            Assert.Equal("1.0", e.Str("specversion"));
            Assert.False(string.IsNullOrEmpty(e.Id()));
            Assert.Matches("^crm\\.(department|user|role|dictionaryItem|pipeline|warehouse)\\.(created|updated|deleted|restored)$", e.Str("type"));
            Assert.Equal($"/tenants/{tenant.Id}", e.Str("source"));
            Assert.Equal(tenant.Id, e.Str("tenantId"));
            Assert.True(e.GetProperty("time").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.Equal("application/json", e.Str("datacontenttype"));
            Assert.Equal(JsonValueKind.Object, e.GetProperty("data").GetProperty("changes").ValueKind);
        }

        var ofDepartment = events.Where(e => e.Str("subject") == departmentSubject).ToList();
        Assert.Equal(["crm.department.created", "crm.department.updated", "crm.department.deleted", "crm.department.restored"], ofDepartment.Select(e => e.Str("type")));
        Assert.All(ofDepartment, e => Assert.Equal(tenant.AdminUserId, e.Str("actor")));
        Assert.All(ofDepartment, e => Assert.Equal(department.Id(), e.GetProperty("data").Str("recordId")));
        Assert.All(ofDepartment, e => Assert.Equal("department", e.GetProperty("data").Str("recordType")));
        var updated = ofDepartment[1].GetProperty("data").GetProperty("changes");
        Assert.Equal("Evented", updated.GetProperty("name").Str("before"));
        Assert.Equal("Evented Twice", updated.GetProperty("name").Str("after"));
        Assert.Equal(["name"], updated.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Evented", ofDepartment[0].GetProperty("data").GetProperty("changes").GetProperty("name").Str("after"));

        var userUpdated = events.Single(e => e.Str("subject") == userSubject && e.Str("type") == "crm.user.updated");
        Assert.Equal("Tester", userUpdated.GetProperty("data").GetProperty("changes").GetProperty("position").Str("after"));

        // Audit entries and events describe the same changes under the same ids.
        var audit = await tenant.Admin.ListAllAsync($"/api/v1/audit-logs?recordId={department.Id()}");
        Assert.Equal(audit.Select(a => a.Id()).Order(StringComparer.Ordinal), ofDepartment.Select(e => e.Id()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FailedWritesProduceNoEvents()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Only Once");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "only once" })).ExpectProblemAsync(HttpStatusCode.Conflict, "department.duplicate_name");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Stale" }, "\"stale\"")).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var marker = await tenant.CreateDepartmentAsync("Marker");

        var events = await EventuallyAsync(tenant, e => Has(e, $"departments/{marker.Id()}", "crm.department.created") && HasProvisioning(e, tenant));
        Assert.Equal(["crm.department.created"], events.Where(e => e.Str("subject") == $"departments/{department.Id()}").Select(e => e.Str("type")));
        Assert.Equal(4 + ProvisionedExtras, events.Count);
    }

    [Fact]
    public async Task AfterContinuesWithoutRepeats()
    {
        var tenant = await app.NewTenantAsync();
        var first = await tenant.CreateDepartmentAsync("Before");
        var seen = await EventuallyAsync(tenant, e => Has(e, $"departments/{first.Id()}", "crm.department.created") && HasProvisioning(e, tenant));
        var (_, cursor) = await ReadAsync(tenant.Admin);
        Assert.Equal(seen[^1].Id(), cursor);

        var second = await tenant.CreateDepartmentAsync("After");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{first.Id()}", new { description = "later" })).ExpectAsync(HttpStatusCode.OK);

        var more = (await Http.EventuallyAsync(async () => (await ReadAsync(tenant.Admin, cursor)).Events,
            e => e.Count >= 2)).ToList();
        Assert.Equal(2, more.Count);
        Assert.Empty(more.Select(e => e.Id()).Intersect(seen.Select(e => e.Id())));
        Assert.Contains(more, e => e.Str("subject") == $"departments/{second.Id()}" && e.Str("type") == "crm.department.created");
        Assert.Contains(more, e => e.Str("subject") == $"departments/{first.Id()}" && e.Str("type") == "crm.department.updated");

        // Nothing new: an empty page that keeps the position.
        var empty = await tenant.Admin.GetJsonAsync($"/api/v1/events?after={more[^1].Id()}");
        Assert.Empty(empty.Items());
        Assert.Equal(more[^1].Id(), empty.NextCursor());

        // Reading in small pages gives the same feed, in the same order.
        var all = (await ReadAsync(tenant.Admin)).Events.Select(e => e.Id()).ToList();
        Assert.Equal(seen.Concat(more).Select(e => e.Id()), all);
        Assert.Equal(all, (await ReadAsync(tenant.Admin, limit: 1)).Events.Select(e => e.Id()));
    }

    [Fact]
    public async Task TypesFilterKeepsOnlyThoseTypes()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Filtered");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Filtered Again" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        var user = await tenant.CreateUserAsync();
        await EventuallyAsync(tenant, e => Has(e, $"departments/{department.Id()}", "crm.department.deleted") && Has(e, $"users/{user.Id()}", "crm.user.created"));

        var updates = (await ReadAsync(tenant.Admin, types: "crm.department.updated")).Events;
        Assert.Equal([department.Id()], updates.Select(e => e.GetProperty("data").Str("recordId")));

        var mixed = (await ReadAsync(tenant.Admin, types: "crm.user.created,crm.department.deleted")).Events;
        Assert.Equal(["crm.department.deleted", "crm.user.created", "crm.user.created"], mixed.Select(e => e.Str("type")).Order(StringComparer.Ordinal));

        // Filtered pages still advance: paging one by one sees each match once.
        var paged = (await ReadAsync(tenant.Admin, types: "crm.department.created", limit: 1)).Events;
        Assert.Equal(2, paged.Count);
        Assert.Equal(2, paged.Select(e => e.Id()).Distinct().Count());

        Assert.Empty((await ReadAsync(tenant.Admin, types: "crm.nothing.happened")).Events);
    }

    [Theory]
    [InlineData("01jzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("not-an-event")]
    public async Task UnknownAfterIsRefused(string after)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/events?after={after}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "events.unknown_event");
        Assert.Equal(["after"], problem.ErrorFields());
    }

    [Fact]
    public async Task AfterOfAnotherTenantsEventIsRefused()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var theirs = await EventuallyAsync(other, e => e.Count >= 2);
        await (await tenant.Admin.GetAsync($"/api/v1/events?after={theirs[0].Id()}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "events.unknown_event");
        var mine = await EventuallyAsync(tenant, e => e.Count >= 2);
        Assert.Empty(mine.Select(e => e.Id()).Intersect(theirs.Select(e => e.Id())));
        Assert.All(mine, e => Assert.Equal(tenant.Id, e.Str("tenantId")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    public async Task RefusesLimitOutOfBounds(string limit)
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.GetAsync($"/api/v1/events?limit={limit}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task FeedNeedsSignIn()
    {
        await (await app.CreateClient().GetAsync("/api/v1/events")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.not_authenticated");
    }
}
