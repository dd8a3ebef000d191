using Crm.Domain.Webhooks;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Webhooks;

/// <summary>
/// The safety net of webhook delivery: fans out the feed of every tenant with subscriptions (a crash between
/// publishing events and fanning them out is made up here), and re-sends a pump for a subscription whose scheduled
/// pump message is overdue (lost between writing the due row and sending it).
/// </summary>
public sealed class WebhookSweepJob(
    RecordStore<WebhookSubscription> subscriptions, WebhookFanout fanout, WebhookDeliveryStore deliveries, IQueueSender queue, TimeProvider clock) : ITimerJob
{
    public const string Name = "webhook-sweep";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        await foreach (var tenantId in TenantsAsync(subscriptions, cancellationToken))
        {
            await fanout.FeedGrewAsync(tenantId, cancellationToken);
        }
        var now = clock.GetUtcNow();
        await foreach (var due in deliveries.AllDueAsync(cancellationToken))
        {
            var scheduled = due.GetDateTimeOffset("ScheduledFor");
            if (scheduled is null || scheduled < now - WebhookPump.LostAfter)
            {
                var (tenantId, subscriptionId) = (due.RowKey[..due.RowKey.IndexOf('~')], due.RowKey[(due.RowKey.IndexOf('~') + 1)..]);
                await queue.SendAsync(WebhookPump.QueueName, new PumpWebhookDeliveries(tenantId, subscriptionId, scheduled ?? now), cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>Tenants with at least one subscription: the partitions of the subscriptions table.</summary>
    internal static async IAsyncEnumerable<string> TenantsAsync(RecordStore<WebhookSubscription> subscriptions,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        await foreach (var row in subscriptions.Table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            if (row.PartitionKey != last)
            {
                last = row.PartitionKey;
                yield return last;
            }
        }
    }
}

/// <summary>Trims the delivery logs: bodies after <see cref="WebhookOptions.BodyRetention"/>, entries after <see cref="WebhookOptions.LogRetention"/>.</summary>
public sealed class WebhookLogRetentionJob(
    RecordStore<WebhookSubscription> subscriptions, WebhookDeliveryStore deliveries, IOptions<WebhookOptions> options, TimeProvider clock) : ITimerJob
{
    public const string Name = "webhook-log-retention";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await foreach (var tenantId in WebhookSweepJob.TenantsAsync(subscriptions, cancellationToken))
        {
            await foreach (var subscription in subscriptions.AllAsync(tenantId, cancellationToken))
            {
                await deliveries.TrimAsync(tenantId, subscription.Id, now - options.Value.BodyRetention, now - options.Value.LogRetention, cancellationToken);
            }
        }
    }
}
