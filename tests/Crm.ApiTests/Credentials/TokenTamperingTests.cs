using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.ApiTests.Credentials;

/// <summary>Every way a credential can be wrong answers with its own status and problem code.</summary>
public sealed class TokenTamperingTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static string Token(TestTenant tenant, string userId, string issuer = "crm", string audience = "crm-api", string key = CrmApp.SigningKey,
        TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(5));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires.AddMinutes(-15),
            NotBefore = expires.AddMinutes(-15),
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("tid", tenant.Id), new Claim("name", "x")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<string> SignInTokenAsync(TestTenant tenant, string login, string password)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });
        return (await response.ExpectAsync(HttpStatusCode.OK)).Str("accessToken");
    }

    private async Task ExpectAsync(string token, HttpStatusCode status, string code)
    {
        var response = await app.ClientWithToken(token).GetAsync("/api/v1/me");
        await response.ExpectProblemAsync(status, code);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.NotEmpty(response.Headers.WwwAuthenticate);
        }
    }

    [Fact]
    public async Task TamperedSignatureIsInvalid()
    {
        var tenant = await app.NewTenantAsync();
        var token = await SignInTokenAsync(tenant, $"admin@{tenant.Slug}.test", "Admin-Password-1");
        // Accepted first, so the replica remembers it as validated: its altered copies must still be checked.
        await app.ClientWithToken(token).GetJsonAsync("/api/v1/me");
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[signature.Length / 2] = signature[signature.Length / 2] == 'A' ? 'B' : 'A';
        await ExpectAsync($"{parts[0]}.{parts[1]}.{new string(signature)}", HttpStatusCode.Unauthorized, "auth.invalid_token");

        // A payload changed to another user, with the original signature.
        var (otherId, _) = await tenant.NewStaffAsync();
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = JsonSerializer.SerializeToElement(otherId);
        await ExpectAsync($"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}", HttpStatusCode.Unauthorized, "auth.invalid_token");
        await ExpectAsync(Token(tenant, tenant.AdminUserId, key: "another-key-0123456789-0123456789-0123456789"), HttpStatusCode.Unauthorized, "auth.invalid_token");
        await ExpectAsync("not-a-token", HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Fact]
    public async Task ExpiredWrongAudienceAndWrongIssuerTokensAreRefused()
    {
        var tenant = await app.NewTenantAsync();
        await app.ClientWithToken(Token(tenant, tenant.AdminUserId)).GetJsonAsync("/api/v1/me");
        await ExpectAsync(Token(tenant, tenant.AdminUserId, expiresIn: TimeSpan.FromMinutes(-2)), HttpStatusCode.Unauthorized, "auth.token_expired");
        await ExpectAsync(Token(tenant, tenant.AdminUserId, audience: "someone-else"), HttpStatusCode.Unauthorized, "auth.invalid_token");
        await ExpectAsync(Token(tenant, tenant.AdminUserId, issuer: "https://evil.example/"), HttpStatusCode.Unauthorized, "auth.invalid_token");
        await (await app.CreateClient().GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.not_authenticated");
    }

    [Fact]
    public async Task TokenOfADisabledUserIsRefused()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        await staff.GetJsonAsync("/api/v1/me");
        await (await tenant.Admin.PostAsync($"/api/v1/users/{staffId}/disable", null)).ExpectAsync(HttpStatusCode.OK);
        await Http.EventuallyAsync(async () => (await staff.GetAsync("/api/v1/me")).StatusCode, s => s == HttpStatusCode.Unauthorized);
        await (await staff.GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");
    }

    [Fact]
    public async Task KeyOfADisabledMakerAndRevokedKeysAreRefused()
    {
        var tenant = await app.NewTenantAsync();
        var created = await tenant.Admin.CreateApiKeyAsync(["departments.manage"]);
        var partner = app.ClientWithApiKey(created.Str("key"));
        await partner.GetJsonAsync("/api/v1/departments");
        await (await tenant.Admin.DeleteAsync($"/api/v1/api-keys/{created.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await partner.GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.api_key_revoked");
    }

    [Fact]
    public async Task BlockedAddressIsForbiddenWhateverTheCredential()
    {
        var tenant = await app.NewTenantAsync();
        tenant.Admin.From("203.0.113.1");
        var key = (await tenant.Admin.CreateApiKeyAsync(["departments.manage"])).Str("key");
        await (await tenant.Admin.CreateIpRuleAsync("192.0.2.0/24", "block")).ExpectAsync(HttpStatusCode.Created);
        await (await app.ClientWithApiKey(key, "192.0.2.9").GetAsync("/api/v1/departments")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
        await (await app.ClientWithToken(Token(tenant, tenant.AdminUserId)).From("192.0.2.9").GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Forbidden, "ip.blocked");
    }
}
