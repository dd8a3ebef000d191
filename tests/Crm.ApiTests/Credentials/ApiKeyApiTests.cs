using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Crm.Storage.Records;

namespace Crm.ApiTests.Credentials;

/// <summary>API keys for partner systems: shown once, stored hashed, acting with their own rights.</summary>
public sealed class ApiKeyApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task CreateShowsTheSecretOnceAndStoresOnlyItsHash()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "ERP sync", permissions = new[] { "departments.manage" }, dataScope = "all" });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        var key = created.Str("key");
        Assert.StartsWith($"crmk_{tenant.Id}_{created.Id()}_", key, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/api-keys/{created.Id()}", response.Headers.Location?.OriginalString);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);

        var listed = Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/api-keys")).Items());
        Assert.Equal(created.Id(), listed.Id());
        Assert.Equal("ERP sync", listed.Str("name"));
        Assert.Equal(tenant.AdminUserId, listed.Str("createdBy"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("expiresAt").ValueKind);
        Assert.False(listed.TryGetProperty("key", out _));
        var read = await tenant.Admin.GetJsonAsync($"/api/v1/api-keys/{created.Id()}");
        Assert.False(read.TryGetProperty("key", out _));

        // Nothing stored, logged or published holds the secret.
        var secret = key.Split('_')[3];
        var table = app.Service<RecordStore<ApiKey>>().Table;
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == tenant.Id))
        {
            Assert.DoesNotContain(row, p => p.Value is string s && s.Contains(secret, StringComparison.Ordinal));
        }
        var audit = await tenant.Admin.GetAsync("/api/v1/audit-logs?recordType=apiKey");
        var auditText = await audit.Content.ReadAsStringAsync();
        Assert.Contains(created.Id(), auditText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, auditText, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", auditText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task KeyActsForItsMakerWithOnlyItsOwnPermissionsAndIsNamedInTheAuditLog()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.CreateApiKeyAsync(["departments.manage"]);
        var partner = app.ClientWithApiKey(created.Str("key"));

        var me = await partner.GetJsonAsync("/api/v1/me");
        Assert.Equal(tenant.AdminUserId, me.Id());
        var department = await partner.PostJsonAsync("/api/v1/departments", new { name = "Made by ERP " + Api.Stamp() }, HttpStatusCode.Created);
        Assert.Equal(tenant.AdminUserId, department.Str("createdBy"));
        var history = await tenant.Admin.GetJsonAsync($"/api/v1/audit-logs?recordType=department&recordId={department.Id()}");
        var entry = Assert.Single(history.Items());
        Assert.Equal(created.Id(), entry.Str("apiKeyId"));
        Assert.Equal(tenant.AdminUserId, entry.Str("actorId"));

        // The maker is an administrator; the key is not.
        await (await partner.PostAsJsonAsync("/api/v1/users", new { login = "x" + Api.Stamp(), password = "Some-Password-1", name = "X" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await partner.GetAsync("/api/v1/api-keys")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task KeyCannotBeGivenMoreThanItsMakerHas()
    {
        var tenant = await app.NewTenantAsync();
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.PostAsJsonAsync("/api/v1/api-keys", new { name = "Mine", permissions = new[] { "departments.manage" }, dataScope = "self" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        // A key that may manage keys makes keys no wider than itself, in permissions and in scope.
        var manager = app.ClientWithApiKey((await tenant.Admin.CreateApiKeyAsync(["apiKeys.manage", "departments.manage", "memos.view"], "department")).Str("key"));
        var wider = await (await manager.PostAsJsonAsync("/api/v1/api-keys", new { name = "Wider", permissions = new[] { "users.manage" }, dataScope = "self" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "apikey.escalation");
        Assert.Contains("users.manage", wider.Str("detail"), StringComparison.Ordinal);
        // Record permissions (memos are owned records) cannot reach further than the maker's scope...
        await (await manager.PostAsJsonAsync("/api/v1/api-keys", new { name = "Wider", permissions = new[] { "memos.view" }, dataScope = "all" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "apikey.escalation");
        await manager.CreateApiKeyAsync(["memos.view"], "self");
        await manager.CreateApiKeyAsync(["memos.view"], "department");
        // ...while tenant-wide ones have no scope to exceed.
        await manager.CreateApiKeyAsync(["departments.manage"], "all");
        Assert.Equal(4, (await tenant.Admin.GetJsonAsync("/api/v1/api-keys")).Items().Count);
    }

    [Fact]
    public async Task RejectsBadKeyRequestsAndChangesNothing()
    {
        var tenant = await app.NewTenantAsync();
        var unknown = await (await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "K", permissions = new[] { "nope.view" }, dataScope = "all" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("permissions", unknown.ErrorFields());
        var past = await (await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "K", permissions = Array.Empty<string>(), dataScope = "all", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("expiresAt", past.ErrorFields());
        var missing = await (await tenant.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "K" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("dataScope", missing.ErrorFields());
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/api-keys")).Items());
    }

    [Fact]
    public async Task RevokedUnknownAndExpiredKeysAnswerUnauthorizedWithTheirCodes()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.CreateApiKeyAsync(["departments.manage"]);
        var key = created.Str("key");
        await app.ClientWithApiKey(key).GetJsonAsync("/api/v1/departments");

        await (await tenant.Admin.DeleteAsync($"/api/v1/api-keys/{created.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        var revoked = await app.ClientWithApiKey(key).GetAsync("/api/v1/departments");
        await revoked.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.api_key_revoked");
        Assert.NotEmpty(revoked.Headers.WwwAuthenticate);
        var listed = Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/api-keys")).Items());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);

        // A wrong secret for a real key, or garbage, learns nothing about the key.
        var parts = key.Split('_');
        var forged = $"crmk_{parts[1]}_{parts[2]}_{new string('0', 64)}";
        await (await app.ClientWithApiKey(forged).GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_api_key");
        await (await app.ClientWithApiKey("crmk_garbage").GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_api_key");
        await (await app.ClientWithApiKey("crmk_a/b_c#d_e?f").GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_api_key");

        var expiring = await tenant.Admin.CreateApiKeyAsync(["departments.manage"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(2));
        await app.ClientWithApiKey(expiring.Str("key")).GetJsonAsync("/api/v1/departments");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await (await app.ClientWithApiKey(expiring.Str("key")).GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.api_key_expired");
    }

    [Fact]
    public async Task LastUseIsRecordedAtMostOnceAMinute()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.CreateApiKeyAsync(["departments.manage"]);
        var partner = app.ClientWithApiKey(created.Str("key"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await partner.GetJsonAsync("/api/v1/departments");
        var first = (await tenant.Admin.GetJsonAsync($"/api/v1/api-keys/{created.Id()}")).GetProperty("lastUsedAt").GetDateTimeOffset();
        Assert.InRange(first, before, DateTimeOffset.UtcNow.AddSeconds(1));

        await Task.Delay(50);
        await partner.GetJsonAsync("/api/v1/departments");
        var listed = Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/api-keys")).Items());
        Assert.Equal(first, listed.GetProperty("lastUsedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task RevokingAnotherTenantsKeyAnswersNotFound()
    {
        var owner = await app.NewTenantAsync();
        var intruder = await app.NewTenantAsync();
        var created = await owner.Admin.CreateApiKeyAsync(["departments.manage"]);
        await (await intruder.Admin.DeleteAsync($"/api/v1/api-keys/{created.Id()}", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "apiKey.not_found");
        await app.ClientWithApiKey(created.Str("key")).GetJsonAsync("/api/v1/departments");
    }
}
