using System.Security.Claims;
using System.Security.Cryptography;
using Crm.ApiTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.ApiTests.Credentials;

/// <summary>
/// A stand-in for login.microsoftonline.com on a local port: each directory's OpenID configuration and
/// JWKS, served over real HTTP, and v2.0 access tokens signed with a key made here.
/// </summary>
public sealed class EntraIdProvider : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly RSA _rsa = RSA.Create(2048);

    public string KeyId { get; } = "test-key-" + Guid.NewGuid().ToString("N")[..6];
    public string Instance { get; }

    public EntraIdProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet("/{tid}/v2.0/.well-known/openid-configuration", (string tid, HttpContext c) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"{Instance}/{tid}/v2.0",
            ["jwks_uri"] = $"{Instance}/{tid}/discovery/v2.0/keys",
            ["authorization_endpoint"] = $"{Instance}/{tid}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{Instance}/{tid}/oauth2/v2.0/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _server.MapGet("/{tid}/discovery/v2.0/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = KeyId });
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = KeyId, n = jwk.N, e = jwk.E } } });
        });
        _server.StartAsync().GetAwaiter().GetResult();
        Instance = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public string Token(string directory, string audience, string objectId, string? userName, string? issuer = null, TimeSpan? expiresIn = null,
        RSA? signWith = null, string? keyId = null)
    {
        var expires = DateTime.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(30));
        var claims = new List<Claim> { new("tid", directory), new("oid", objectId), new("ver", "2.0") };
        if (userName is not null)
        {
            claims.Add(new Claim("preferred_username", userName));
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? $"{Instance}/{directory}/v2.0",
            Audience = audience,
            IssuedAt = expires.AddHours(-1),
            NotBefore = expires.AddHours(-1),
            Expires = expires,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signWith ?? _rsa) { KeyId = keyId ?? KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _rsa.Dispose();
    }
}

/// <summary>The CRM with Entra ID's instance pointed at the test's own provider.</summary>
public sealed class EntraIdApp : CrmApp
{
    public EntraIdProvider Provider { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:EntraId:Instance"] = Provider.Instance,
        ["Auth:EntraId:KeyRefreshInterval"] = "00:00:01",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
