namespace Crm.Platform.Notifications;

/// <summary>
/// One in-app notification for one user (<c>GET /api/v1/notifications</c>): a follow-up reminder, a pool
/// warning, anything a feature needs a person to notice. <see cref="Kind"/> is a stable code such as
/// <c>followup.reminder</c> or <c>pool.warning</c>; the record, when named, is what the notice is about.
/// </summary>
public sealed record Notice(string UserId, string Kind, string Title, string? Body = null, string? RecordType = null, string? RecordId = null);

/// <summary>
/// Delivers notices. Idempotent by <c>dedupeKey</c> (unique per tenant): a handler or a timer job that
/// runs again after a crash delivers nothing twice.
/// </summary>
public interface INotifier
{
    Task NotifyAsync(string tenantId, Notice notice, string dedupeKey, CancellationToken cancellationToken);
}
