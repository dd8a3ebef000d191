using Crm.Orchestrations;
using Crm.Domain.Common;
using Crm.Platform.ApiKeys;
using Crm.Platform.Auth;
using Crm.Platform.EntraId;
using Crm.Platform.Web;
using Crm.Storage;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Functions.Hosting;

/// <summary>The API conventions of API.md, wired once for every endpoint.</summary>
internal static class ApiHosting
{
    public static WebApplicationBuilder AddCrmHost(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddHostJson(builder.Environment.ContentRootPath);
        var services = builder.Services;
        services.AddCrmStorageClients(builder.Configuration);
        // Durable orchestrations (ADR 0007): the client in every role, the worker where queue listeners run.
        services.AddCrmOrchestrations(builder.Configuration);
        builder.AddCrmAzureHosting();
        // Kestrel refuses a header value that is not UTF-8 with an empty 400 the app never sees; decoded with
        // replacement characters it reaches the app, which answers as for any bad credential (a 401 problem).
        builder.WebHost.ConfigureKestrel(o => o.RequestHeaderEncodingSelector = _ => LenientUtf8);
        services.ConfigureHttpJsonOptions(o => CrmJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => ProblemWriter.Decorate(c.HttpContext, c.ProblemDetails));
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddTable(IdempotencyMiddleware.TableName);
        services.Configure<RequestLimitOptions>(builder.Configuration.GetSection("Limits"));
        services.Configure<RateLimitOptions>(builder.Configuration.GetSection("RateLimits"));
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Container Apps' ingress is the only hop in front of the app.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });
        services.AddCrmCors(builder.Configuration);
        services.AddCrmAuthentication(builder.Configuration);
        services.AddCrmOpenApi();
        return builder;
    }

    private static void AddCrmAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.SigningKey.Length >= 32, "Auth:SigningKey must have at least 32 characters.")
            .Validate(o => o.PasswordHashIterations >= 1_000, "Auth:PasswordHashIterations must be at least 1000.").ValidateOnStart();
        services.AddSingleton<TokenService>().AddTable(TokenService.TableName);
        services.AddSingleton<ValidatedTokens>();
        services.AddOptions<EntraIdOptions>().Bind(configuration.GetSection(EntraIdOptions.Section));
        services.AddHttpClient(EntraIdTokens.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<EntraIdTokens>();
        services.AddSingleton<EntraIdDirectory>().AddTable(EntraIdDirectory.TableName);
        // One entry scheme picks the credential's own: an API key, an Entra ID token, or the CRM's token.
        services.AddAuthentication(CredentialScheme)
            .AddPolicyScheme(CredentialScheme, "CRM credentials", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, EntraIdAuthentication>(EntraIdAuthentication.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = auth.Value.SigningKey.Length >= 32 ? auth.Value.Key() : null,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = CrmClaims.Name,
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = c =>
                    {
                        if (EntraIdAuthentication.BearerToken(c.Request) is { } token
                            && c.HttpContext.RequestServices.GetRequiredService<ValidatedTokens>().Find(token) is { } principal)
                        {
                            c.Principal = principal;
                            c.Success();
                        }
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = c =>
                    {
                        if (c.SecurityToken is JsonWebToken token && c.Principal is { } principal)
                        {
                            c.HttpContext.RequestServices.GetRequiredService<ValidatedTokens>()
                                .Remember(token.EncodedToken, principal, new DateTimeOffset(token.ValidTo, TimeSpan.Zero));
                        }
                        return Task.CompletedTask;
                    },
                    OnChallenge = async c =>
                    {
                        c.HandleResponse();
                        var (code, detail) = c.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException => (ProblemCodes.TokenExpired, "The access token has expired; refresh it."),
                            not null => (ProblemCodes.InvalidToken, "The access token is invalid."),
                            _ => (ProblemCodes.NotAuthenticated, "Send an access token as 'Authorization: Bearer <token>'."),
                        };
                        c.Response.Headers.WWWAuthenticate = "Bearer";
                        await ProblemWriter.WriteAsync(c.HttpContext, 401, code, "Not authenticated", detail);
                    },
                    OnForbidden = c => ProblemWriter.WriteAsync(c.HttpContext, 403, ProblemCodes.Forbidden, "Forbidden", "Not allowed."),
                };
            });
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private const string CredentialScheme = "Credentials";

    private static readonly System.Text.Encoding LenientUtf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// <c>X-Api-Key</c> wins; a bearer token whose issuer is Entra ID's instance goes to the Entra ID
    /// scheme; anything else (the CRM's own tokens, garbage) to the CRM's JWT scheme, which refuses garbage.
    /// A token this replica validated before is known to be the CRM's without reading it again.
    /// </summary>
    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey(ApiKeyAuthentication.Header))
        {
            return ApiKeyAuthentication.SchemeName;
        }
        if (EntraIdAuthentication.BearerToken(context.Request) is not { } token
            || context.RequestServices.GetRequiredService<ValidatedTokens>().Find(token) is not null)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }
        if (new JsonWebTokenHandler().CanReadToken(token))
        {
            try
            {
                if (context.RequestServices.GetRequiredService<EntraIdTokens>().IsEntraIssuer(new JsonWebToken(token).Issuer))
                {
                    return EntraIdAuthentication.SchemeName;
                }
            }
            catch (ArgumentException)
            {
                // Not a readable JWT after all: the CRM scheme answers auth.invalid_token.
            }
        }
        return JwtBearerDefaults.AuthenticationScheme;
    }

    public static WebApplication UseCrmPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCrmDocs();
        app.UseRouting();
        // Before authentication and rate limits: a preflight carries no credential and must not use up the tenant's permits.
        app.UseCors();
        app.UseAuthentication();
        app.UseMiddleware<TenantRateLimitMiddleware>();
        app.UseMiddleware<RequestLimitMiddleware>();
        app.UseMiddleware<CallerMiddleware>();
        app.UseMiddleware<Platform.Access.PermissionMiddleware>();
        app.UseMiddleware<IdempotencyMiddleware>();
        app.UseAuthorization();
        // After authorization, so that a caller without a credential hears 401 whatever the body.
        app.UseMiddleware<JsonTextMiddleware>();
        return app;
    }
}
