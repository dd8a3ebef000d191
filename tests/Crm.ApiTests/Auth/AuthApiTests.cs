using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Crm.ApiTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.ApiTests.Auth;

public sealed class AuthApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const string AdminPassword = "Admin-Password-1";

    private static string AdminLogin(TestTenant tenant) => "admin@" + tenant.Slug + ".test";

    private Task<HttpResponseMessage> TokenAsync(string tenant, string login, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant, login, password });

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    private static string Mint(string key, string userId, string tenantId, DateTime notBefore, DateTime expires, string issuer = "crm", string audience = "crm-api") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", userId), new Claim("tid", tenantId), new Claim("name", "Someone")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    [Fact]
    public async Task IssuesAccessAndRefreshTokensForRightCredentials()
    {
        var tenant = await app.NewTenantAsync();
        var tokens = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", tokens.Str("tokenType"));
        Assert.True(tokens.GetProperty("expiresIn").GetInt32() > 0);
        Assert.StartsWith(tenant.Id + ".", tokens.Str("refreshToken"), StringComparison.Ordinal);

        var me = await app.ClientWithToken(tokens.Str("accessToken")).GetJsonAsync("/api/v1/me");
        Assert.Equal(tenant.AdminUserId, me.Id());
    }

    [Fact]
    public async Task SignInIgnoresCaseOfTenantAndLogin()
    {
        var tenant = await app.NewTenantAsync();
        await (await TokenAsync(tenant.Slug.ToUpperInvariant(), AdminLogin(tenant).ToUpperInvariant(), AdminPassword)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RefusesWrongPasswordUnknownTenantAndUnknownLoginAlike()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var wrongPassword = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), "Wrong-Password-1"))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        var unknownTenant = await (await TokenAsync("no-such-" + Api.Stamp(), AdminLogin(tenant), AdminPassword))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        var unknownLogin = await (await TokenAsync(tenant.Slug, "nobody@" + tenant.Slug + ".test", AdminPassword))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        // A login of another tenant is unknown here, with its own right password.
        await (await TokenAsync(tenant.Slug, AdminLogin(other), AdminPassword))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");

        // The answers do not tell which part was wrong.
        Assert.Equal(wrongPassword.Str("detail"), unknownTenant.Str("detail"));
        Assert.Equal(wrongPassword.Str("detail"), unknownLogin.Str("detail"));
    }

    [Fact]
    public async Task RefreshRotatesTheRefreshToken()
    {
        var tenant = await app.NewTenantAsync();
        var first = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);

        var second = await (await RefreshAsync(first.Str("refreshToken"))).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(first.Str("refreshToken"), second.Str("refreshToken"));
        await app.ClientWithToken(second.Str("accessToken")).GetJsonAsync("/api/v1/me");

        // The new one works once; the old one is used up.
        var third = await (await RefreshAsync(second.Str("refreshToken"))).ExpectAsync(HttpStatusCode.OK);
        Assert.NotEqual(second.Str("refreshToken"), third.Str("refreshToken"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("01jzzzzzzzzzzzzzzzzzzzzzzz.not-a-secret")]
    public async Task RefusesUnknownRefreshToken(string refreshToken) =>
        await (await RefreshAsync(refreshToken)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");

    [Fact]
    public async Task RefusesEmptyRefreshTokenAsInvalidInput() =>
        await (await RefreshAsync("")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

    [Fact]
    public async Task LogoutRevokesTheRefreshToken()
    {
        var tenant = await app.NewTenantAsync();
        var tokens = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = tokens.Str("refreshToken") })).ExpectAsync(HttpStatusCode.NoContent);
        await (await RefreshAsync(tokens.Str("refreshToken"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");
    }

    [Fact]
    public async Task AnswersNotAuthenticatedWithChallengeWhenNoToken()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/departments");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.not_authenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    public async Task RefusesGarbageToken(string token)
    {
        var response = await app.ClientWithToken(token).GetAsync("/api/v1/departments");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task RefusesExpiredToken()
    {
        var tenant = await app.NewTenantAsync();
        var now = DateTime.UtcNow;
        var token = Mint(CrmApp.SigningKey, tenant.AdminUserId, tenant.Id, now.AddHours(-2), now.AddHours(-1));
        var response = await app.ClientWithToken(token).GetAsync("/api/v1/me");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.token_expired");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task AcceptsTokenMintedWithTheServiceKey()
    {
        // The control for the two tests around it: the minting itself is right.
        var tenant = await app.NewTenantAsync();
        var now = DateTime.UtcNow;
        var token = Mint(CrmApp.SigningKey, tenant.AdminUserId, tenant.Id, now.AddMinutes(-1), now.AddMinutes(5));
        var me = await app.ClientWithToken(token).GetJsonAsync("/api/v1/me");
        Assert.Equal(tenant.AdminUserId, me.Id());
    }

    [Fact]
    public async Task RefusesTokenSignedWithAnotherKey()
    {
        var tenant = await app.NewTenantAsync();
        var now = DateTime.UtcNow;
        var token = Mint("another-signing-key-0123456789-0123456789-0123", tenant.AdminUserId, tenant.Id, now.AddMinutes(-1), now.AddMinutes(5));
        await (await app.ClientWithToken(token).GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Theory]
    [InlineData("other-issuer", "crm-api")]
    [InlineData("crm", "other-audience")]
    public async Task RefusesTokenForAnotherIssuerOrAudience(string issuer, string audience)
    {
        var tenant = await app.NewTenantAsync();
        var now = DateTime.UtcNow;
        var token = Mint(CrmApp.SigningKey, tenant.AdminUserId, tenant.Id, now.AddMinutes(-1), now.AddMinutes(5), issuer, audience);
        await (await app.ClientWithToken(token).GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Fact]
    public async Task RefusesTokenOfDisabledUser()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{staffId}/disable", new { }, HttpStatusCode.OK);

        await (await staff.GetAsync("/api/v1/me")).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");
    }

    [Fact]
    public async Task RefusesTokenOfUserDisabledWhileSignedInWithinSeconds()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        await staff.GetJsonAsync("/api/v1/me");
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{staffId}/disable", new { }, HttpStatusCode.OK);

        // The user check is cached for a few seconds; after that the token stops working.
        var status = await Http.EventuallyAsync(async () => (await staff.GetAsync("/api/v1/me")).StatusCode,
            s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task RefusesRefreshOfDisabledUser()
    {
        var tenant = await app.NewTenantAsync();
        var login = "r" + Api.Stamp() + "@staff.test";
        var user = await tenant.CreateUserAsync(login);
        var tokens = await (await TokenAsync(tenant.Slug, login, Api.StaffPassword)).ExpectAsync(HttpStatusCode.OK);
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{user.Id()}/disable", new { }, HttpStatusCode.OK);

        await (await RefreshAsync(tokens.Str("refreshToken"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");
    }

    [Fact]
    public async Task MeAnswersTheSignedInUserWithETag()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        var response = await staff.GetAsync("/api/v1/me");
        var me = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(staffId, me.Id());
        Assert.False(me.GetProperty("isSuperAdmin").GetBoolean());
        Assert.Equal($"\"{me.Str("version")}\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task ChangePasswordRefusesWrongCurrentPassword()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "Not-The-Password", newPassword = "New-Password-2" });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "password.wrong_current");
        Assert.Contains("currentPassword", problem.ErrorFields());
        await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePasswordRefusesWeakNewPassword()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = AdminPassword, newPassword = "short" });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Contains("newPassword", problem.ErrorFields());
        await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePasswordEndsOtherSessionsAndNewPasswordSignsIn()
    {
        var tenant = await app.NewTenantAsync();
        var session = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectAsync(HttpStatusCode.OK);

        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = AdminPassword, newPassword = "New-Password-2" });
        await response.ExpectAsync(HttpStatusCode.NoContent);

        await (await RefreshAsync(session.Str("refreshToken"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_refresh_token");
        await (await TokenAsync(tenant.Slug, AdminLogin(tenant), AdminPassword)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        var fresh = await (await TokenAsync(tenant.Slug, AdminLogin(tenant), "New-Password-2")).ExpectAsync(HttpStatusCode.OK);
        await (await RefreshAsync(fresh.Str("refreshToken"))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task TokenEndpointValidatesItsBody()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = "x", login = "y" });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("password", problem.ErrorFields());
    }
}
