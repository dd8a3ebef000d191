using Crm.Domain.Notifications;
using Crm.Storage.Notifications;

namespace Crm.Platform.Notifications;

/// <summary>Delivers a notice to the user's in-app list; a repeat of a dedupe key is refused by the store.</summary>
public sealed class TableNotifier(NotificationStore store, TimeProvider clock) : INotifier
{
    public Task NotifyAsync(string tenantId, Notice notice, string dedupeKey, CancellationToken cancellationToken) =>
        store.AddAsync(tenantId, new Notification
        {
            UserId = notice.UserId,
            Kind = notice.Kind,
            Title = notice.Title,
            Body = notice.Body,
            RecordType = notice.RecordType,
            RecordId = notice.RecordId,
            CreatedAt = clock.GetUtcNow(),
        }, dedupeKey, cancellationToken);
}
