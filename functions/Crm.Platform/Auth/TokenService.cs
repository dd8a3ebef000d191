using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Platform.Auth;

public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>
/// Issues short-lived access tokens (JWT) and rotating refresh tokens. A refresh token is
/// <c>{tenantId}.{secret}</c>; only the secret's SHA-256 is stored, and each one is usable once.
/// </summary>
public sealed class TokenService(TableServiceClient service, StorageOptions storage, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string TableName = "refreshtokens";

    private readonly TableClient _table = service.GetTableClient(storage.Table(TableName));
    private readonly AuthOptions _options = options.Value;

    public async Task<TokenResponse> IssueAsync(string tenantId, User user, string? familyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var access = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + _options.AccessTokenLifetime).UtcDateTime,
            Subject = new ClaimsIdentity([
                new Claim(CrmClaims.Subject, user.Id),
                new Claim(CrmClaims.Tenant, tenantId),
                new Claim(CrmClaims.Name, user.Name),
            ]),
            SigningCredentials = new SigningCredentials(_options.Key(), SecurityAlgorithms.HmacSha256),
        });
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await _table.AddEntityAsync(new TableEntity(tenantId, Hash(secret))
        {
            ["UserId"] = user.Id,
            ["FamilyId"] = familyId ?? Ids.New(now),
            ["IssuedAt"] = now,
            ["ExpiresAt"] = now + _options.RefreshTokenLifetime,
        }, cancellationToken);
        return new TokenResponse(access, $"{tenantId}.{secret}", (int)_options.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>
    /// Marks a refresh token used (an ETag-guarded write, so two concurrent refreshes cannot both
    /// succeed) and returns whose it was. Unknown, expired, revoked or used tokens answer 401. A used
    /// token presented again means it leaked: the whole family (every token rotated from the same
    /// sign-in, including the one issued from it) is revoked.
    /// </summary>
    public async Task<(string TenantId, string UserId, string FamilyId, DateTimeOffset IssuedAt)> RedeemAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var row = await FindAsync(refreshToken, cancellationToken) ?? throw Invalid();
        var now = clock.GetUtcNow();
        var familyId = row.GetString("FamilyId");
        if (row.ContainsKey("UsedAt"))
        {
            await RevokeFamilyAsync(row.PartitionKey, familyId, now, cancellationToken);
            throw Invalid();
        }
        if (row.GetDateTimeOffset("ExpiresAt") <= now || row.ContainsKey("RevokedAt") || await IsFamilyRevokedAsync(row.PartitionKey, familyId, cancellationToken))
        {
            throw Invalid();
        }
        row["UsedAt"] = now;
        try
        {
            await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Two refreshes of one token at the same moment: more likely a client retry than a thief, so only this one fails.
            throw Invalid();
        }
        return (row.PartitionKey, row.GetString("UserId"), familyId, row.GetDateTimeOffset("IssuedAt") ?? now);
    }

    /// <summary>One row marks a family revoked, so revoking costs one write however long the family grew.</summary>
    private Task RevokeFamilyAsync(string tenantId, string familyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(tenantId, FamilyKey(familyId)) { ["RevokedAt"] = now }, TableUpdateMode.Replace, cancellationToken);

    private async Task<bool> IsFamilyRevokedAsync(string tenantId, string familyId, CancellationToken cancellationToken) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(tenantId, FamilyKey(familyId), select: ["RevokedAt"], cancellationToken: cancellationToken)).HasValue;

    // Token rows are keyed by a hex hash, so this prefix never meets one.
    private static string FamilyKey(string familyId) => "family~" + familyId;

    public async Task RevokeAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var row = await FindAsync(refreshToken, cancellationToken);
        if (row is not null && !row.ContainsKey("RevokedAt"))
        {
            row["RevokedAt"] = clock.GetUtcNow();
            await _table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace, cancellationToken);
        }
    }

    private async Task<TableEntity?> FindAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var dot = refreshToken.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Ids.IsWellFormed(refreshToken[..dot]))
        {
            return null;
        }
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(refreshToken[..dot], Hash(refreshToken[(dot + 1)..]), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static UnauthorizedException Invalid() =>
        new("auth.invalid_refresh_token", "The refresh token is unknown, expired, revoked or already used; sign in again.");
}
