using System.Security.Claims;
using System.Text.Encodings.Web;
using Crm.Domain.Organisation;
using Crm.Platform.Auth;
using Crm.Platform.Users;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Crm.Platform.EntraId;

/// <summary>
/// The Entra ID bearer scheme. The token's directory (<c>tid</c>) names the CRM tenant that trusts it;
/// the token is checked against that tenant's settings; its account becomes a CRM user by object id
/// (<c>oid</c>), or, the first time, by e-mail matching the user's login or e-mail, after which the
/// object id is kept on the user. A valid token of an account the tenant does not know is a 403.
/// </summary>
public sealed class EntraIdAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    EntraIdDirectory directory, EntraIdTokens tokens, RecordStore<User> users, TimeProvider clock)
    : CredentialHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "EntraId";

    protected override string ChallengeHint => "Send a Microsoft Entra ID access token as 'Authorization: Bearer <token>'.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        try
        {
            var unverified = new JsonWebToken(token);
            var directoryTenantId = unverified.TryGetPayloadValue<string>("tid", out var tid) ? tid : "";
            var link = await directory.FindByDirectoryAsync(directoryTenantId, Context.RequestAborted);
            if (link is not { Enabled: true })
            {
                throw new CredentialRejectedException(401, "auth.entra_not_configured", "No tenant accepts Entra ID tokens from this directory.");
            }
            var identity = await tokens.ValidateAsync(token, directoryTenantId, link.Audience, Context.RequestAborted);
            var user = await MatchAsync(link.TenantId, identity, Context.RequestAborted)
                ?? throw new CredentialRejectedException(403, "auth.unknown_entra_user", "This Entra ID account is not a user of the tenant; ask an administrator to add it.");
            var principal = new ClaimsIdentity([
                new Claim(CrmClaims.Subject, user.Id),
                new Claim(CrmClaims.Tenant, link.TenantId),
                new Claim(CrmClaims.Name, user.Name),
            ], SchemeName, CrmClaims.Name, null);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(principal), SchemeName));
        }
        catch (CredentialRejectedException e)
        {
            return AuthenticateResult.Fail(e);
        }
        catch (ArgumentException)
        {
            return AuthenticateResult.Fail(new CredentialRejectedException(401, Web.ProblemCodes.InvalidToken, "The access token is invalid."));
        }
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    private async Task<User?> MatchAsync(string tenantId, ClaimsIdentity identity, CancellationToken cancellationToken)
    {
        var objectId = identity.FindFirst("oid")?.Value;
        if (objectId is { Length: > 0 }
            && await users.FindIdByUniqueKeyAsync(tenantId, UserRecordType.EntraObjectKey, objectId, cancellationToken) is { } linkedId)
        {
            return await users.FindAsync(tenantId, linkedId, cancellationToken);
        }
        var email = identity.FindFirst("preferred_username")?.Value ?? identity.FindFirst("email")?.Value ?? identity.FindFirst("upn")?.Value;
        if (objectId is not { Length: > 0 } || email is not { Length: > 0 })
        {
            return null;
        }
        var user = await FindByEmailAsync(tenantId, email, cancellationToken);
        if (user is null || user.EntraObjectId is not null)
        {
            // A user already linked to another directory account is never taken over by a name match.
            return null;
        }
        return await users.UpdateAsync(new WriteContext(tenantId, user.Id, Context.Connection.RemoteIpAddress?.ToString(), clock.GetUtcNow()), user.Id, null,
            current => ValueTask.FromResult(current with { EntraObjectId = objectId }), cancellationToken: cancellationToken);
    }

    private async Task<User?> FindByEmailAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        if (await users.FindIdByUniqueKeyAsync(tenantId, UserRecordType.LoginKey, OrganisationRules.NormalizeLogin(email), cancellationToken) is { } byLogin)
        {
            return await users.FindAsync(tenantId, byLogin, cancellationToken);
        }
        var page = await users.ListAsync(tenantId, new ListQuery { Q = email, Limit = 20 }, cancellationToken);
        var matches = page.Items.Where(u => string.Equals(u.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
