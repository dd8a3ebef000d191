using System.Collections.Concurrent;
using System.Security.Claims;
using Crm.Platform.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Platform.EntraId;

/// <summary>Where Entra ID tokens come from (section <c>Auth:EntraId</c>); tests point it at their own key server.</summary>
public sealed class EntraIdOptions
{
    public const string Section = "Auth:EntraId";

    public string Instance { get; set; } = "https://login.microsoftonline.com";

    /// <summary>The least time between two key downloads of one directory when a token names an unknown key id.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Validates Entra ID v2.0 access tokens: the issuer is <c>{instance}/{directory}/v2.0</c>, the keys
/// are the directory's published JWKS (from its OpenID configuration, cached, fetched again when a
/// token names a key id not yet known, as after Microsoft's key rollover), the audience the tenant's.
/// </summary>
public sealed class EntraIdTokens(IHttpClientFactory http, IOptions<EntraIdOptions> options)
{
    public const string HttpClientName = "entra-id";

    private readonly string _instance = options.Value.Instance.TrimEnd('/');
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _configurations = new(StringComparer.Ordinal);

    public string Issuer(string directoryTenantId) => $"{_instance}/{directoryTenantId}/v2.0";

    /// <summary>Whether a token claims to come from Entra ID (as opposed to the CRM's own sign-in).</summary>
    public bool IsEntraIssuer(string? issuer) => issuer is not null && issuer.StartsWith(_instance + "/", StringComparison.OrdinalIgnoreCase);

    public async Task<ClaimsIdentity> ValidateAsync(string token, string directoryTenantId, string audience, CancellationToken cancellationToken)
    {
        var manager = _configurations.GetOrAdd(directoryTenantId, directory => new ConfigurationManager<OpenIdConnectConfiguration>(
            $"{Issuer(directory)}/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http.CreateClient(HttpClientName)) { RequireHttps = _instance.StartsWith("https://", StringComparison.OrdinalIgnoreCase) })
        {
            RefreshInterval = options.Value.KeyRefreshInterval,
        });
        for (var attempt = 0; ; attempt++)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await manager.GetConfigurationAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                throw new CredentialRejectedException(503, "auth.entra_unavailable", "Entra ID's signing keys could not be read; retry later.");
            }
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = Issuer(directoryTenantId),
                ValidAudience = audience,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            });
            if (result.IsValid)
            {
                return result.ClaimsIdentity;
            }
            if (attempt == 0 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                manager.RequestRefresh();
                continue;
            }
            throw result.Exception is SecurityTokenExpiredException
                ? new CredentialRejectedException(401, Web.ProblemCodes.TokenExpired, "The Entra ID token has expired.")
                : new CredentialRejectedException(401, Web.ProblemCodes.InvalidToken, "The Entra ID token is invalid for this tenant (signature, issuer or audience).");
        }
    }
}
