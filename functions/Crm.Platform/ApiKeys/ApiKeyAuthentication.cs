using System.Security.Claims;
using System.Text.Encodings.Web;
using Crm.Domain.Access;
using Crm.Platform.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Crm.Platform.ApiKeys;

/// <summary>
/// The <c>X-Api-Key</c> scheme: the principal is the key's maker in the key's tenant, with the key
/// named by a claim; <see cref="CallerMiddleware"/> then gives it the key's own rights.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyService keys) : CredentialHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string KeyClaim = "crm_key";
    private const string ItemKey = "crm.apikey";

    protected override string ChallengeHint => $"Send an API key as '{Header}: crmk_...'.";

    protected override string ChallengeScheme => "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        try
        {
            var (tenantId, key) = await keys.AuthenticateAsync(presented, Context.RequestAborted);
            Context.Items[ItemKey] = key;
            var identity = new ClaimsIdentity([
                new Claim(CrmClaims.Subject, key.CreatedBy),
                new Claim(CrmClaims.Tenant, tenantId),
                new Claim(KeyClaim, key.Id),
                new Claim(CrmClaims.Name, key.Name),
            ], SchemeName, CrmClaims.Name, null);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
        }
        catch (CredentialRejectedException e)
        {
            return AuthenticateResult.Fail(e);
        }
    }

    /// <summary>The key this request authenticated with, if any.</summary>
    public static ApiKey? Presented(HttpContext context) => context.Items[ItemKey] as ApiKey;
}
