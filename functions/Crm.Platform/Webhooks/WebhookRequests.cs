using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Crm.Domain.Common;
using Crm.Domain.Webhooks;

namespace Crm.Platform.Webhooks;

public sealed record CreateWebhookSubscription
{
    [Required, StringLength(WebhookTargets.MaxUrlLength, MinimumLength = 1)]
    public string Url { get; init; } = "";

    /// <summary>Event types (<c>crm.customer.updated</c>), prefixes (<c>crm.customer.*</c>) or <c>*</c>.</summary>
    [Required, MinLength(1), MaxLength(EventTypeFilter.MaxPatterns), EachLength(1, 102)]
    public IReadOnlyList<string>? EventTypes { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>The editable view a merge patch applies to. Turning a subscription back on clears why the service turned it off.</summary>
public sealed record WebhookSubscriptionChanges
{
    [Required, StringLength(WebhookTargets.MaxUrlLength, MinimumLength = 1)]
    public string Url { get; init; } = "";

    [Required, MinLength(1), MaxLength(EventTypeFilter.MaxPatterns), EachLength(1, 102)]
    public IReadOnlyList<string>? EventTypes { get; init; }

    [StringLength(500)]
    public string? Description { get; init; }

    [Required]
    public bool? Enabled { get; init; }
}

/// <summary>A subscription as answered: never its secret, except in <see cref="Secret"/> of the answers that made one.</summary>
public sealed record WebhookSubscriptionView
{
    public string Id { get; init; } = "";
    public string Url { get; init; } = "";
    public IReadOnlyList<string> EventTypes { get; init; } = [];
    public string? Description { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";
    public string Version { get; init; } = "";

    /// <summary>Until when deliveries are signed with the secret before the last rotation too.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>The signing secret (<c>whsec_...</c>), shown when made and when rotated, never again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }

    internal static WebhookSubscriptionView From(WebhookSubscription s, DateTimeOffset? previousUntil, string? secret = null) => new()
    {
        Id = s.Id,
        Url = s.Url,
        EventTypes = s.EventTypes,
        Description = s.Description,
        Enabled = s.Enabled,
        DisabledReason = s.DisabledReason,
        DisabledAt = s.DisabledAt,
        CreatedAt = s.CreatedAt,
        CreatedBy = s.CreatedBy,
        UpdatedAt = s.UpdatedAt,
        UpdatedBy = s.UpdatedBy,
        Version = s.Version,
        PreviousSecretExpiresAt = previousUntil,
        Secret = secret,
    };
}

public sealed record WebhookSubscriptionList(IReadOnlyList<WebhookSubscriptionView> Items);

/// <summary>Resend every failed or dead-lettered delivery made since a time.</summary>
public sealed record RedeliverFailed
{
    [Required]
    public DateTimeOffset? Since { get; init; }
}

public sealed record RedeliverCount(int Redelivered);

/// <summary>The answer of one attempt: a test ping's, or an entry of a delivery's history.</summary>
public sealed record DeliveryAttempt(DateTimeOffset At, int? ResponseCode, long DurationMs, string? Error);

public sealed record PingResult(string WebhookId, bool Delivered, int? ResponseCode, long DurationMs, string? Error);
