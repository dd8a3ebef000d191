using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Auth;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.ApiKeys;

/// <summary>
/// Makes, lists, revokes and checks API keys. A key reads <c>crmk_{tenantId}_{keyId}_{secret}</c>:
/// the prefix makes a leaked key recognisable to secret scanners, and the ids make checking it two
/// point reads, never a scan. The secret's SHA-256 lives in a row beside the record (<c>s~{id}</c>),
/// written in the record's own transaction, so the operation log and the change feed never carry it.
/// </summary>
public sealed class ApiKeyService(RecordStore<ApiKey> store, PermissionCatalogue catalogue, TimeProvider clock)
{
    public const string Prefix = "crmk_";

    /// <summary>Last use is a hint for administrators, not an audit trail: written at most this often per key.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string HashProperty = "Hash";
    private const string LastUsedProperty = "LastUsedAt";

    public async Task<ApiKeyView> CreateAsync(Caller caller, CreateApiKey input, CancellationToken cancellationToken)
    {
        var permissions = input.Permissions!.Distinct(StringComparer.Ordinal).ToList();
        if (permissions.FirstOrDefault(p => !catalogue.Contains(p)) is { } unknown)
        {
            throw new ValidationException("permissions", $"'{unknown}' is not in the permission catalogue (GET /api/v1/permissions).");
        }
        var now = clock.GetUtcNow();
        if (input.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            throw new ValidationException("expiresAt", "Must be in the future.");
        }
        var exceeding = DataScopes.Exceeding(caller.Access, permissions, input.DataScope!.Value, catalogue.IsScoped);
        if (exceeding.Count > 0)
        {
            throw new ForbiddenException("apikey.escalation",
                $"A key cannot do more than its maker: you lack {string.Join(", ", exceeding)} in scope '{input.DataScope}'.");
        }
        var id = Ids.New(now);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey { Id = id, Name = input.Name.Trim(), Permissions = permissions, DataScope = input.DataScope.Value, ExpiresAt = input.ExpiresAt };
        var secretRow = new TableEntity(caller.TenantId, SecretRowKey(id)) { [HashProperty] = Hash(secret) };
        var created = await store.CreateAsync(caller.Write(clock), key, [new TableTransactionAction(TableTransactionActionType.Add, secretRow)], cancellationToken);
        return ApiKeyView.From(created, null, $"{Prefix}{caller.TenantId}_{id}_{secret}");
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey ge {"s~"} and RowKey lt {"s~~"}");
        var lastUsed = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        await foreach (var row in store.Table.QueryAsync<TableEntity>(filter, select: ["RowKey", LastUsedProperty], cancellationToken: cancellationToken))
        {
            lastUsed[row.RowKey[2..]] = row.GetDateTimeOffset(LastUsedProperty);
        }
        var keys = await store.AllAsync(tenantId, cancellationToken).ToListAsync(cancellationToken);
        return [.. keys.OrderByDescending(k => k.Id, StringComparer.Ordinal).Select(k => ApiKeyView.From(k, lastUsed.GetValueOrDefault(k.Id)))];
    }

    public async Task<ApiKeyView> GetAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var key = await store.GetAsync(tenantId, id, cancellationToken);
        var row = await SecretRowAsync(tenantId, id, cancellationToken);
        return ApiKeyView.From(key, row?.GetDateTimeOffset(LastUsedProperty));
    }

    /// <summary>Revoking is a change of the record (audited); the next request with the key answers 401 on every replica.</summary>
    public async Task RevokeAsync(Caller caller, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        var write = caller.Write(clock);
        await store.UpdateAsync(write, id, ifMatch,
            current => ValueTask.FromResult(current.RevokedAt is null ? current with { RevokedAt = write.Now, RevokedBy = caller.UserId } : current),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The key a request presents, or a 401. Expired and revoked are told apart only once the secret
    /// matched, so a guessed key learns nothing; nothing is cached, so a revocation applies at once.
    /// </summary>
    public async Task<(string TenantId, ApiKey Key)> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        var parts = presented.Trim().Split('_');
        if (parts is not ["crmk", var tenantId, var id, var secret] || !Ids.IsWellFormed(tenantId) || !Ids.IsWellFormed(id) || secret.Length != 64)
        {
            throw Invalid();
        }
        var keyRead = store.FindAsync(tenantId, id, cancellationToken);
        var row = await SecretRowAsync(tenantId, id, cancellationToken);
        var key = await keyRead;
        if (key is null || row is null || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(row.GetString(HashProperty) ?? ""), Encoding.ASCII.GetBytes(Hash(secret))))
        {
            throw Invalid();
        }
        var now = clock.GetUtcNow();
        if (key.RevokedAt is not null)
        {
            throw new CredentialRejectedException(401, "auth.api_key_revoked", "This API key has been revoked.");
        }
        if (key.IsExpired(now))
        {
            throw new CredentialRejectedException(401, "auth.api_key_expired", "This API key has expired.");
        }
        if (row.GetDateTimeOffset(LastUsedProperty) is not { } last || now - last >= LastUsedResolution)
        {
            await store.Table.UpsertEntityAsync(new TableEntity(tenantId, row.RowKey) { [LastUsedProperty] = now }, TableUpdateMode.Merge, cancellationToken);
        }
        return (tenantId, key);
    }

    private async Task<TableEntity?> SecretRowAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(id))
        {
            return null;
        }
        var row = await store.Table.GetEntityIfExistsAsync<TableEntity>(tenantId, SecretRowKey(id), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static string SecretRowKey(string id) => "s~" + id;

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static CredentialRejectedException Invalid() =>
        new(401, "auth.invalid_api_key", "The API key is unknown or malformed.");
}
