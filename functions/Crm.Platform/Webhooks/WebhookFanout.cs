using Crm.Domain.Webhooks;
using Crm.Platform.Events;
using Crm.Storage;
using Crm.Storage.Events;
using Crm.Storage.Records;

namespace Crm.Platform.Webhooks;

/// <summary>
/// Turns the tenant's change feed into deliveries: for each event, in feed order, one delivery per enabled
/// subscription whose types match and which existed when the change was made. Deliveries are written before the
/// tenant's cursor moves past their events, and writing one twice changes nothing, so a crash anywhere loses no
/// event and sends none twice.
/// </summary>
public sealed class WebhookFanout(
    RecordStore<WebhookSubscription> subscriptions, WebhookDeliveryStore deliveries, EventFeed feed, WebhookPump pump, TimeProvider clock) : IFeedFollower
{
    private const int Batch = 200;
    private readonly SingleFlight<string> _flight = new();

    public Task FeedGrewAsync(string tenantId, CancellationToken cancellationToken) =>
        _flight.RunAsync(tenantId, () => PassAsync(tenantId, cancellationToken));

    private async Task<int> PassAsync(string tenantId, CancellationToken cancellationToken)
    {
        var cursor = await deliveries.CursorAsync(tenantId, cancellationToken);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        while (true)
        {
            var entries = await feed.ReadNumberedAsync(tenantId, cursor.Seq, Batch, cancellationToken);
            // Read after the events, never cached: a subscription made while these events were read still gets those
            // of changes made after it was.
            var enabled = await subscriptions.AllAsync(tenantId, cancellationToken).Where(s => s.Enabled).ToListAsync(cancellationToken);
            if (enabled.Count == 0)
            {
                // Nobody to deliver to: skip to the head, so the first subscription does not start by reading a month of feed.
                await deliveries.AdvanceCursorAsync(tenantId, cursor, await feed.HeadAsync(tenantId, cancellationToken), cancellationToken);
                return total;
            }
            if (entries.Count == 0)
            {
                break;
            }
            var now = clock.GetUtcNow();
            foreach (var subscription in enabled)
            {
                var matching = entries
                    .Where(e => e.Event.Time >= subscription.CreatedAt && EventTypeFilter.Matches(subscription.EventTypes, e.Event.Type))
                    .ToList();
                if (matching.Count > 0)
                {
                    await deliveries.AddAsync(tenantId, subscription.Id, matching, now, cancellationToken);
                    touched.Add(subscription.Id);
                }
            }
            cursor = await deliveries.AdvanceCursorAsync(tenantId, cursor, entries[^1].Seq, cancellationToken);
            total += entries.Count;
            if (entries.Count < Batch)
            {
                break;
            }
        }
        foreach (var subscriptionId in touched)
        {
            await pump.ScheduleAsync(tenantId, subscriptionId, clock.GetUtcNow(), cancellationToken);
        }
        return total;
    }
}
