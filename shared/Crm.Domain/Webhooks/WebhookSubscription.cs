using Crm.Domain.Common;

namespace Crm.Domain.Webhooks;

/// <summary>
/// A partner system's endpoint for the tenant's events (API.md "Events, webhooks and change feed"). It receives what
/// the change feed would show the user who made it (<see cref="RecordBase.CreatedBy"/>), or the API key it was made
/// with (<see cref="ApiKeyId"/>): data scope and field rules are theirs, judged at delivery time. The signing secret
/// is not part of the record: it lives beside it, so neither the operation log nor the change feed carries it.
/// </summary>
public sealed record WebhookSubscription : RecordBase
{
    public string Url { get; init; } = "";

    /// <summary>Exact event types (<c>crm.customer.updated</c>), prefixes (<c>crm.customer.*</c>), or <c>*</c>.</summary>
    public IReadOnlyList<string> EventTypes { get; init; } = [];
    public string? Description { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Why the service turned it off (<c>failing</c> after days of failed deliveries); null when a person did.</summary>
    public string? DisabledReason { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>The API key it was made with, whose narrower grant then bounds what it receives.</summary>
    public string? ApiKeyId { get; init; }
}
