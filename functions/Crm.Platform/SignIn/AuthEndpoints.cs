using System.ComponentModel.DataAnnotations;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Platform.Auth;
using Crm.Platform.IpRules;
using Crm.Platform.Records;
using Crm.Platform.SignIn;
using Crm.Platform.Users;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.SignIn;

public sealed record TokenRequest(
    [property: Required, StringLength(64)] string Tenant,
    [property: Required, StringLength(254)] string Login,
    [property: Required, StringLength(128)] string Password);

public sealed record RefreshRequest([property: Required, StringLength(200)] string RefreshToken);

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth").AllowAnonymous();
        group.MapPost("/token", IssueToken).WithName("IssueToken").WithSummary("Sign in with tenant, login and password; returns access and refresh tokens");
        group.MapPost("/refresh", RefreshToken).WithName("RefreshToken").WithSummary("Exchange a refresh token for new tokens (the old one stops working)");
        group.MapPost("/logout", Logout).WithName("Logout").WithSummary("Revoke a refresh token");
        return routes;
    }

    /// <summary>
    /// Every attempt against a known tenant is logged (one write). A user locked out after repeated
    /// failures is refused even with the right password, unchecked, until the lockout ends or an administrator unlocks them.
    /// </summary>
    public static async Task<Ok<TokenResponse>> IssueToken(TokenRequest request, TenantStore tenants, RecordStore<User> users, Credentials credentials,
        TokenService tokens, LockoutStore lockouts, LoginLog log, IpRuleDirectory ipRules, TimeProvider clock, HttpContext context)
    {
        RequestValidation.Validate(request);
        var cancellationToken = context.RequestAborted;
        // Every failure looks the same, so the endpoint never confirms which tenants or logins exist.
        var tenant = await tenants.FindBySlugAsync(request.Tenant.Trim().ToLowerInvariant(), cancellationToken);
        if (tenant is null)
        {
            throw InvalidCredentials();
        }
        var now = clock.GetUtcNow();
        var userId = await users.FindIdByUniqueKeyAsync(tenant.Id, UserRecordType.LoginKey, OrganisationRules.NormalizeLogin(request.Login), cancellationToken);
        var user = userId is null ? null : await users.FindAsync(tenant.Id, userId, cancellationToken);
        Task Log(string? reason) => log.RecordAsync(tenant.Id, user?.Id, request.Login, now, context, reason, cancellationToken);
        // Before the password is checked, so a refused address cannot try passwords.
        if (!await ipRules.AllowsAsync(tenant.Id, context.Connection.RemoteIpAddress, cancellationToken))
        {
            await Log(LoginFailureReasons.IpBlocked);
            throw IpRuleDirectory.Blocked(context.Connection.RemoteIpAddress);
        }
        if (user is null)
        {
            await Log(LoginFailureReasons.InvalidCredentials);
            throw InvalidCredentials();
        }
        // Reserved (counted as a failure) before the password is checked, so parallel guesses never check more than the threshold.
        if (await lockouts.ReserveCheckAsync(tenant.Id, user.Id, now, tenant.Security, cancellationToken) is { } lockout)
        {
            await Log(LoginFailureReasons.LockedOut);
            throw LockedOut(lockout.LockedUntil!.Value);
        }
        if (!await credentials.VerifyAsync(tenant.Id, user, request.Password, cancellationToken))
        {
            await Log(LoginFailureReasons.InvalidCredentials);
            throw InvalidCredentials();
        }
        // The right password: nobody is guessing, so the reservation (and any lock it set) goes, disabled user or not.
        await lockouts.ClearAsync(tenant.Id, user.Id, cancellationToken);
        if (user.Status != UserStatus.Active)
        {
            await Log(LoginFailureReasons.UserDisabled);
            throw new UnauthorizedException("auth.user_disabled", "This user is disabled.");
        }
        await Log(null);
        return TypedResults.Ok(await tokens.IssueAsync(tenant.Id, user, null, cancellationToken));
    }

    private static UnauthorizedException InvalidCredentials() => new("auth.invalid_credentials", "The tenant, login or password is wrong.");

    private static UnauthorizedException LockedOut(DateTimeOffset until) =>
        new("auth.locked_out", $"Too many failed sign-ins: this user is locked out until {until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}, or until an administrator unlocks them.");

    public static async Task<Ok<TokenResponse>> RefreshToken(RefreshRequest request, RecordStore<User> users, TokenService tokens, IpRuleDirectory ipRules, HttpContext context)
    {
        RequestValidation.Validate(request);
        var (tenantId, userId, familyId, issuedAt) = await tokens.RedeemAsync(request.RefreshToken, context.RequestAborted);
        await ipRules.EnsureAllowedAsync(tenantId, context.Connection.RemoteIpAddress, context.RequestAborted);
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
