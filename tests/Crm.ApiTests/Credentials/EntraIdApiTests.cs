using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Credentials;

/// <summary>Microsoft Entra ID tokens, accepted per tenant, mapped to CRM users by object id or e-mail.</summary>
public sealed class EntraIdApiTests(EntraIdApp app) : IClassFixture<EntraIdApp>
{
    private const string Audience = "api://crm-test";

    private async Task<(TestTenant Tenant, string Directory)> ConfiguredTenantAsync()
    {
        var tenant = await app.NewTenantAsync();
        var directory = Guid.NewGuid().ToString();
        var saved = await (await tenant.Admin.PutAsJsonAsync("/api/v1/settings/entra-id", new { enabled = true, directoryTenantId = directory.ToUpperInvariant(), audience = Audience }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(directory, saved.Str("directoryTenantId"));
        return (tenant, directory);
    }

    private Task<HttpResponseMessage> MeAsync(string token) => app.ClientWithToken(token).GetAsync("/api/v1/me");

    [Fact]
    public async Task ValidTokenSignsInTheUserWithTheSameLoginAndLinksTheObjectId()
    {
        var (tenant, directory) = await ConfiguredTenantAsync();
        var objectId = Guid.NewGuid().ToString();
        var me = await (await MeAsync(app.Provider.Token(directory, Audience, objectId, $"Admin@{tenant.Slug}.test"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tenant.AdminUserId, me.Id());
        Assert.Equal(objectId, me.Str("entraObjectId"));

        // From now on the object id decides, whatever the account's name becomes.
        var renamed = await (await MeAsync(app.Provider.Token(directory, Audience, objectId, "renamed@elsewhere.test"))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tenant.AdminUserId, renamed.Id());
        // Another directory account with the admin's name does not take the linked user over.
        await (await MeAsync(app.Provider.Token(directory, Audience, Guid.NewGuid().ToString(), $"admin@{tenant.Slug}.test")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.unknown_entra_user");
    }

    [Fact]
    public async Task StaffAreMatchedByEmailAndKeepTheirOwnRights()
    {
        var (tenant, directory) = await ConfiguredTenantAsync();
        var email = "jane" + Api.Stamp() + "@contoso.test";
        var user = await tenant.CreateUserAsync(email: email);
        var token = app.Provider.Token(directory, Audience, Guid.NewGuid().ToString(), email.ToUpperInvariant());
        var me = await (await MeAsync(token)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id(), me.Id());
        await (await app.ClientWithToken(token).PostAsJsonAsync("/api/v1/departments", new { name = "Not mine" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");

        await (await tenant.Admin.PostAsync($"/api/v1/users/{user.Id()}/disable", null)).ExpectAsync(HttpStatusCode.OK);
        await Http.EventuallyAsync(async () => (await MeAsync(token)).StatusCode, s => s == HttpStatusCode.Unauthorized);
        await (await MeAsync(token)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");
    }

    [Fact]
    public async Task RefusesTokensThatAreWrongInAnyWay()
    {
        var (tenant, directory) = await ConfiguredTenantAsync();
        var admin = $"admin@{tenant.Slug}.test";
        var oid = Guid.NewGuid().ToString();
        await (await MeAsync(app.Provider.Token(directory, "api://another-app", oid, admin))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        await (await MeAsync(app.Provider.Token(directory, Audience, oid, admin, issuer: $"{app.Provider.Instance}/{directory}/"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        await (await MeAsync(app.Provider.Token(directory, Audience, oid, admin, issuer: $"{app.Provider.Instance}/{Guid.NewGuid()}/v2.0"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        await (await MeAsync(app.Provider.Token(directory, Audience, oid, admin, expiresIn: TimeSpan.FromMinutes(-5)))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.token_expired");
        using var stranger = RSA.Create(2048);
        await (await MeAsync(app.Provider.Token(directory, Audience, oid, admin, signWith: stranger))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        await (await MeAsync(app.Provider.Token(directory, Audience, oid, admin, signWith: stranger, keyId: "unknown-kid"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        var tampered = app.Provider.Token(directory, Audience, oid, admin).Split('.');
        await (await MeAsync($"{tampered[0]}.{tampered[1]}.{tampered[2][..^8]}AAAAAAAA")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");

        await (await MeAsync(app.Provider.Token(directory, Audience, oid, "nobody@contoso.test"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "auth.unknown_entra_user");
        await (await MeAsync(app.Provider.Token(Guid.NewGuid().ToString(), Audience, oid, admin))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.entra_not_configured");
        // None of these linked the admin to a directory account.
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await tenant.Admin.GetJsonAsync("/api/v1/me")).GetProperty("entraObjectId").ValueKind);
    }

    [Fact]
    public async Task SwitchingEntraIdOffAppliesAtOnceAndSettingsAreValidated()
    {
        var (tenant, directory) = await ConfiguredTenantAsync();
        var token = app.Provider.Token(directory, Audience, Guid.NewGuid().ToString(), $"admin@{tenant.Slug}.test");
        await (await MeAsync(token)).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PutAsJsonAsync("/api/v1/settings/entra-id", new { enabled = false, directoryTenantId = directory, audience = Audience })).ExpectAsync(HttpStatusCode.OK);
        await (await MeAsync(token)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.entra_not_configured");
        var read = await tenant.Admin.GetJsonAsync("/api/v1/settings/entra-id");
        Assert.False(read.GetProperty("enabled").GetBoolean());

        await (await tenant.Admin.PutAsJsonAsync("/api/v1/settings/entra-id", new { enabled = true, directoryTenantId = "contoso", audience = Audience }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PutAsJsonAsync("/api/v1/settings/entra-id", new { enabled = true, directoryTenantId = directory }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var other = await app.NewTenantAsync();
        await (await other.Admin.PutAsJsonAsync("/api/v1/settings/entra-id", new { enabled = true, directoryTenantId = directory, audience = Audience }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "entraId.directory_in_use");
        var (_, staff) = await tenant.NewStaffAsync();
        await (await staff.GetAsync("/api/v1/settings/entra-id")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.False((await tenant.Admin.GetJsonAsync("/api/v1/settings/entra-id")).GetProperty("enabled").GetBoolean());
    }
}
