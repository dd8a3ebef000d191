using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Platform.Tenants;

namespace Crm.ApiTests.Audit;

public sealed class AuditLogApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string ClientIp = "203.0.113.9";

    private static string Time(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private static JsonElement Change(JsonElement entry, string field) => entry.GetProperty("changes").GetProperty(field);

    private static async Task<List<JsonElement>> LogAsync(TestTenant tenant, string query) =>
        await tenant.Admin.ListAllAsync("/api/v1/audit-logs?" + query);

    [Fact]
    public async Task CreateUpdateDeleteAndRestoreEachLeaveAnEntryWithFieldChanges()
    {
        var tenant = await app.NewTenantAsync();
        tenant.Admin.DefaultRequestHeaders.Add("X-Forwarded-For", ClientIp);
        var started = DateTimeOffset.UtcNow.AddSeconds(-5);

        var department = await tenant.CreateDepartmentAsync("Audited", description: "first");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "Audited Again" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        Assert.True((await tenant.Admin.PostAsync($"/api/v1/recycle-bin/department/{department.Id()}/restore", null)).IsSuccessStatusCode);

        var entries = await LogAsync(tenant, $"recordId={department.Id()}");
        Assert.Equal(["restored", "deleted", "updated", "created"], entries.Select(e => e.Str("action")));
        foreach (var entry in entries)
        {
            Assert.Equal("department", entry.Str("recordType"));
            Assert.Equal(department.Id(), entry.Str("recordId"));
            Assert.Equal(tenant.AdminUserId, entry.Str("actorId"));
            Assert.Equal(ClientIp, entry.Str("sourceIp"));
            Assert.InRange(entry.GetProperty("time").GetDateTimeOffset(), started, DateTimeOffset.UtcNow.AddSeconds(5));
            Assert.False(string.IsNullOrEmpty(entry.Id()));
        }
        var times = entries.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var created = entries[3];
        Assert.Equal(JsonValueKind.Null, Change(created, "name").GetProperty("before").ValueKind);
        Assert.Equal("Audited", Change(created, "name").Str("after"));
        Assert.Equal("first", Change(created, "description").Str("after"));

        var updated = entries[2];
        Assert.Equal("Audited", Change(updated, "name").Str("before"));
        Assert.Equal("Audited Again", Change(updated, "name").Str("after"));
        Assert.Equal("Audited Again", updated.Str("recordName"));
        var changed = updated.GetProperty("changes").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["name"], changed);

        var deleted = entries[1];
        Assert.Equal("Audited Again", Change(deleted, "name").Str("before"));
        Assert.Equal(JsonValueKind.Null, Change(deleted, "name").GetProperty("after").ValueKind);

        var restored = entries[0];
        Assert.Equal("Audited Again", Change(restored, "name").Str("after"));
    }

    [Fact]
    public async Task UserEntriesNeverCarryThePassword()
    {
        var tenant = await app.NewTenantAsync();
        var user = await tenant.CreateUserAsync(password: "Audit-Secret-Pass-1");
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/users/{user.Id()}/reset-password", new { newPassword = "Audit-Secret-Pass-2" })).ExpectAsync(HttpStatusCode.NoContent);
        var entries = await LogAsync(tenant, $"recordId={user.Id()}");
        Assert.Equal(["updated", "created"], entries.Select(e => e.Str("action")));
        var text = string.Join("\n", entries.Select(e => e.GetRawText()));
        Assert.DoesNotContain("Audit-Secret-Pass", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"password\"", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FiltersByRecordType()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.CreateDepartmentAsync("Typed");
        var user = await tenant.CreateUserAsync();

        var users = await LogAsync(tenant, "recordType=user");
        Assert.Equal([user.Id(), tenant.AdminUserId], users.Select(e => e.Str("recordId")));
        var departments = await LogAsync(tenant, "recordType=department");
        Assert.Equal(2, departments.Count);
        Assert.All(departments, e => Assert.Equal("department", e.Str("recordType")));
        // Provisioning also creates the five built-in roles, the default dictionary items, pipeline and warehouse.
        Assert.Equal(9 + Api.SeededConfigurationRecords, (await LogAsync(tenant, "")).Count);

        await (await tenant.Admin.GetAsync("/api/v1/audit-logs?recordType=nothing")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task FiltersByActor()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("By Admin");

        var system = await LogAsync(tenant, $"actorId={TenantProvisioning.Actor.Id}");
        // Provisioning writes all at the same instant, so their order is not defined.
        Assert.Equal(["department", "role", "role", "role", "role", "role", "user"], system.Select(e => e.Str("recordType")).Where(t => !Api.IsSeededConfiguration(t)).Order(StringComparer.Ordinal));
        Assert.Equal(Api.SeededConfigurationRecords, system.Count(e => Api.IsSeededConfiguration(e.Str("recordType"))));
        Assert.All(system, e => Assert.Equal("created", e.Str("action")));
        var admin = await LogAsync(tenant, $"actorId={tenant.AdminUserId}");
        Assert.Equal([department.Id()], admin.Select(e => e.Str("recordId")));
        Assert.Empty(await LogAsync(tenant, "actorId=01jzzzzzzzzzzzzzzzzzzzzzzz"));
        Assert.Equal([department.Id()], (await LogAsync(tenant, $"actorId={tenant.AdminUserId}&recordType=department")).Select(e => e.Str("recordId")));
    }

    [Fact]
    public async Task FiltersByTimeRange()
    {
        var tenant = await app.NewTenantAsync();
        var a = await tenant.CreateDepartmentAsync("First");
        var b = await tenant.CreateDepartmentAsync("Second");
        var c = await tenant.CreateDepartmentAsync("Third");
        var entries = await LogAsync(tenant, "recordType=department");
        var middle = entries.Single(e => e.Str("recordId") == b.Id()).GetProperty("time").GetDateTimeOffset();

        Assert.Equal([c.Id(), b.Id()], (await LogAsync(tenant, $"recordType=department&from={Time(middle)}")).Select(e => e.Str("recordId")));
        Assert.Equal([b.Id(), a.Id(), tenant.OfficeId], (await LogAsync(tenant, $"recordType=department&to={Time(middle)}")).Select(e => e.Str("recordId")));
        Assert.Equal([b.Id()], (await LogAsync(tenant, $"from={Time(middle)}&to={Time(middle)}")).Select(e => e.Str("recordId")));
        Assert.Equal([b.Id()], (await LogAsync(tenant, $"recordId={b.Id()}&from={Time(middle)}&to={Time(middle.AddSeconds(1))}")).Select(e => e.Str("recordId")));
        Assert.Empty(await LogAsync(tenant, $"recordId={a.Id()}&from={Time(middle)}"));

        await (await tenant.Admin.GetAsync($"/api/v1/audit-logs?from={Time(middle)}&to={Time(middle.AddSeconds(-1))}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task PagesWithCursorNewestFirst()
    {
        var tenant = await app.NewTenantAsync();
        for (var i = 0; i < 4; i++)
        {
            var d = await tenant.CreateDepartmentAsync($"Paged {i}");
            await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{d.Id()}", new { description = "x" })).ExpectAsync(HttpStatusCode.OK);
        }
        await tenant.CreateUserAsync();

        var all = await LogAsync(tenant, "limit=200");
        Assert.Equal(11 + 5 + Api.SeededConfigurationRecords, all.Count); // and the five built-in roles, the default dictionaries, pipeline and warehouse
        var first = await tenant.Admin.GetJsonAsync("/api/v1/audit-logs?limit=3");
        Assert.Equal(3, first.Items().Count);
        Assert.NotNull(first.NextCursor());

        var paged = await LogAsync(tenant, "limit=3");
        Assert.Equal(all.Select(e => e.Id()), paged.Select(e => e.Id()));
        var times = paged.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var byType = await LogAsync(tenant, "recordType=department&limit=2");
        Assert.Equal(all.Where(e => e.Str("recordType") == "department").Select(e => e.Id()), byType.Select(e => e.Id()));
        var byActor = await LogAsync(tenant, $"actorId={tenant.AdminUserId}&limit=2");
        Assert.Equal(all.Where(e => e.Str("actorId") == tenant.AdminUserId).Select(e => e.Id()), byActor.Select(e => e.Id()));

        await (await tenant.Admin.GetAsync($"/api/v1/audit-logs?limit=3&recordType=user&cursor={Uri.EscapeDataString(first.NextCursor()!)}"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "cursor.invalid");
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    public async Task RefusesLimitOutOfBounds(string query)
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.GetAsync("/api/v1/audit-logs?" + query)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task LogIsPerTenantAndAdminOnly()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Mine");
        Assert.Empty(await LogAsync(other, $"recordId={department.Id()}"));
        Assert.DoesNotContain(department.Id(), (await LogAsync(other, "")).Select(e => e.Str("recordId")));

        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/audit-logs")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
