using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Functions.IpRules;
using Crm.Functions.Records;
using Crm.Functions.Users;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Auth;

public sealed record TokenRequest(
    [property: Required, StringLength(64)] string Tenant,
    [property: Required, StringLength(254)] string Login,
    [property: Required, StringLength(128)] string Password);

public sealed record RefreshRequest([property: Required, StringLength(200)] string RefreshToken);

internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/token", IssueToken).WithName("IssueToken").WithSummary("Sign in with tenant, login and password; returns access and refresh tokens");
        group.MapPost("/refresh", RefreshToken).WithName("RefreshToken").WithSummary("Exchange a refresh token for new tokens (the old one stops working)");
        group.MapPost("/logout", Logout).WithName("Logout").WithSummary("Revoke a refresh token");
        return routes;
    }

    public static async Task<Ok<TokenResponse>> IssueToken(TokenRequest request, TenantStore tenants, RecordStore<User> users, Credentials credentials,
        TokenService tokens, IpRuleDirectory ipRules, HttpContext context)
    {
        RequestValidation.Validate(request);
        var cancellationToken = context.RequestAborted;
        // Every failure looks the same, so the endpoint never confirms which tenants or logins exist.
        var tenant = await tenants.FindBySlugAsync(request.Tenant.Trim().ToLowerInvariant(), cancellationToken);
        // Before the password is checked, so a refused address cannot try passwords (403 ip.blocked).
        await ipRules.EnsureAllowedAsync(tenant?.Id, context.Connection.RemoteIpAddress, cancellationToken);
        var userId = tenant is null ? null
            : await users.FindIdByUniqueKeyAsync(tenant.Id, UserRecordType.LoginKey, OrganisationRules.NormalizeLogin(request.Login), cancellationToken);
        var user = userId is null ? null : await users.FindAsync(tenant!.Id, userId, cancellationToken);
        if (user is null || !await credentials.VerifyAsync(tenant!.Id, user, request.Password, cancellationToken))
        {
            throw new UnauthorizedException("auth.invalid_credentials", "The tenant, login or password is wrong.");
        }
        if (user.Status != UserStatus.Active)
        {
            throw new UnauthorizedException("auth.user_disabled", "This user is disabled.");
        }
        return TypedResults.Ok(await tokens.IssueAsync(tenant.Id, user, null, cancellationToken));
    }

    public static async Task<Ok<TokenResponse>> RefreshToken(RefreshRequest request, RecordStore<User> users, TokenService tokens, HttpContext context)
    {
        RequestValidation.Validate(request);
        var (tenantId, userId, familyId, issuedAt) = await tokens.RedeemAsync(request.RefreshToken, context.RequestAborted);
        var user = await users.FindAsync(tenantId, userId, context.RequestAborted);
        if (user is null || user.Status != UserStatus.Active)
        {
            throw new UnauthorizedException("auth.user_disabled", "This user is disabled.");
        }
        if (user.PasswordChangedAt > issuedAt)
        {
            throw new UnauthorizedException("auth.invalid_refresh_token", "The password changed since this session began; sign in again.");
        }
        return TypedResults.Ok(await tokens.IssueAsync(tenantId, user, familyId, context.RequestAborted));
    }

    public static async Task<NoContent> Logout(RefreshRequest request, TokenService tokens, HttpContext context)
    {
        await tokens.RevokeAsync(RequestValidation.Validate(request).RefreshToken, context.RequestAborted);
        return TypedResults.NoContent();
    }
}
