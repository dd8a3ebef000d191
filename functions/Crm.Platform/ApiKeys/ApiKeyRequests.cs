using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Access;

namespace Crm.Platform.ApiKeys;

public sealed record CreateApiKey
{
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; init; } = "";

    [Required, MaxLength(200)]
    public IReadOnlyList<string>? Permissions { get; init; }

    [Required]
    public DataScope? DataScope { get; init; }

    /// <summary>Optional; the key stops working at this time.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>An API key as listed: never its secret, except in <see cref="Key"/> of the answer that made it.</summary>
public sealed record ApiKeyView
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Permissions { get; init; } = [];
    public DataScope DataScope { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset? LastUsedAt { get; init; }
    public string Version { get; init; } = "";

    /// <summary>The secret, shown once: only its hash is stored.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    internal static ApiKeyView From(ApiKey key, DateTimeOffset? lastUsedAt, string? secret = null) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Permissions = key.Permissions,
        DataScope = key.DataScope,
        ExpiresAt = key.ExpiresAt,
        RevokedAt = key.RevokedAt,
        CreatedAt = key.CreatedAt,
        CreatedBy = key.CreatedBy,
        LastUsedAt = lastUsedAt,
        Version = key.Version,
        Key = secret,
    };
}

public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> Items, string? NextCursor = null);
