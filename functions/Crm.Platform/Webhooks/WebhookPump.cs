using Azure.Data.Tables;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Webhooks;
using Crm.Platform.Access;
using Crm.Platform.Events;
using Crm.Platform.Notifications;
using Crm.Storage;
using Crm.Storage.Events;
using Crm.Storage.Records;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Webhooks;

/// <summary>Attempt a subscription's due deliveries; <see cref="ScheduledFor"/> is the time the message was sent for.</summary>
public sealed record PumpWebhookDeliveries(string TenantId, string SubscriptionId, DateTimeOffset ScheduledFor) : IQueueMessage
{
    public string IdempotencyKey => $"webhook-pump:{TenantId}:{SubscriptionId}:{ScheduledFor.UtcTicks}";
}

/// <summary>
/// Attempts a subscription's deliveries one at a time in feed order, each as its maker may see the event now. One
/// pump per subscription at a time across replicas (a lease on its state row), so attempts follow the feed; a
/// delivery is settled only after its answer came, so a pump that dies mid-attempt leaves it pending: its queue
/// message comes back, the lease runs out, and the next pump sends it again with the same <c>webhook-id</c>.
/// A message stands for "look at this subscription at this time"; the due row says which one is outstanding, so
/// each message leads to at most one more and they never pile up.
/// </summary>
public sealed class WebhookPump(
    RecordStore<WebhookSubscription> subscriptions,
    WebhookSubscriptionService subscriptionService,
    WebhookDeliveryStore deliveries,
    WebhookSender sender,
    EventFeed feed,
    FeedViewers viewers,
    AccessDirectory directory,
    RecordStore<Crm.Domain.Access.ApiKey> apiKeys,
    INotifier notifier,
    IQueueSender queue,
    IOptions<WebhookOptions> options,
    TimeProvider clock) : IQueueHandler<PumpWebhookDeliveries>
{
    public const string QueueName = "webhooks";

    public static readonly BackgroundActor Actor = BackgroundActor.Granted("webhooks", DataScope.All);

    /// <summary>If a pump's message is this late, it was lost (a crash between writing the due row and sending): the sweep sends another.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(1);

    private readonly string _process = Guid.NewGuid().ToString("N");
    private readonly SingleFlight<(string, string)> _pumping = new();

    private WebhookOptions Options => options.Value;

    private TimeSpan LeaseFor => Options.Timeout + TimeSpan.FromSeconds(15);

    /// <summary>Asks for a pump of the subscription at <paramref name="at"/>, unless one is already coming by then.</summary>
    public async Task ScheduleAsync(string tenantId, string subscriptionId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = await deliveries.DueAsync(tenantId, subscriptionId, cancellationToken) ?? WebhookDeliveryStore.NewDue(tenantId, subscriptionId);
            if (due.GetDateTimeOffset("ScheduledFor") is { } scheduled && scheduled <= at)
            {
                return;
            }
            due["ScheduledFor"] = at;
            if (await deliveries.SaveDueAsync(due, remove: false, cancellationToken))
            {
                var delay = at - clock.GetUtcNow();
                await queue.SendAsync(QueueName, new PumpWebhookDeliveries(tenantId, subscriptionId, at), delay > TimeSpan.Zero ? delay : null, cancellationToken);
                return;
            }
        }
    }

    public async Task HandleAsync(PumpWebhookDeliveries message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var (tenantId, subscriptionId) = (message.TenantId, message.SubscriptionId);
        // Consumed: from here a new need schedules a new message.
        var due = await deliveries.DueAsync(tenantId, subscriptionId, cancellationToken);
        if (due?.GetDateTimeOffset("ScheduledFor") == message.ScheduledFor)
        {
            due!.Remove("ScheduledFor");
            await deliveries.SaveDueAsync(due, remove: false, cancellationToken);
        }
        // A message for a subscription this process is pumping only makes that pump look again when it is done.
        await _pumping.RunAsync((tenantId, subscriptionId), () => PassAsync(message, context, cancellationToken));
    }

    private async Task<int> PassAsync(PumpWebhookDeliveries message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var (tenantId, subscriptionId) = (message.TenantId, message.SubscriptionId);
        var pass = $"{_process}:{context.MessageId}:{context.DequeueCount}";
        var now = clock.GetUtcNow();
        var state = await deliveries.TryLeaseAsync(tenantId, subscriptionId, pass, now, now + LeaseFor, cancellationToken);
        if (state is null)
        {
            // Another replica is pumping it: look again shortly, in case it stopped before seeing this message's deliveries.
            await queue.SendAsync(QueueName, message, TimeSpan.FromSeconds(2), cancellationToken);
            return 0;
        }
        try
        {
            state = await PumpAsync(tenantId, subscriptionId, state, cancellationToken);
        }
        finally
        {
            if (state is not null)
            {
                state["LeaseUntil"] = clock.GetUtcNow();
                await deliveries.SaveStateAsync(state, CancellationToken.None);
            }
        }
        return 0;
    }

    private async Task<TableEntity?> PumpAsync(string tenantId, string subscriptionId, TableEntity state, CancellationToken cancellationToken)
    {
        var subscription = await subscriptions.FindAsync(tenantId, subscriptionId, cancellationToken);
        Recipient? recipient = null;
        while (subscription is { Enabled: true })
        {
            var pending = await deliveries.PendingAsync(tenantId, subscriptionId, 1000, cancellationToken);
            var now = clock.GetUtcNow();
            var due = pending.Where(p => p.NextAttemptAt <= now).Take(100).ToList();
            if (due.Count == 0)
            {
                await ScheduleNextAsync(tenantId, subscriptionId, pending.Count == 0 ? null : pending.Min(p => p.NextAttemptAt), cancellationToken);
                return state;
            }
            recipient ??= await RecipientAsync(tenantId, subscription, cancellationToken);
            // Read together, not per delivery: the rows in one range read, their events side by side, the secrets once.
            var rows = await deliveries.FindRangeAsync(tenantId, subscriptionId, due[0].Seq, due[^1].Seq, cancellationToken);
            var events = await EventsAsync(tenantId, [.. due.Select(d => d.Seq).Where(seq => rows.TryGetValue(seq, out var row) && ChunkedText.Read(row, "Body") is null)], cancellationToken);
            var secrets = (await subscriptionService.SecretsAsync(tenantId, subscriptionId, cancellationToken)).Signing;
            // Results are written together, after the attempts: a pump that dies before writing them leaves those
            // deliveries pending, and they are sent again with the same webhook-id (at least once, as receivers expect).
            var settled = new List<TableEntity>();
            var settledChars = 0;
            async Task FlushAsync()
            {
                await deliveries.SaveManyAsync(settled, cancellationToken);
                settled.Clear();
                settledChars = 0;
            }
            foreach (var (seq, _) in due)
            {
                now = clock.GetUtcNow();
                if (state.GetDateTimeOffset("LeaseUntil") - now < LeaseFor / 2)
                {
                    await FlushAsync();
                    state["LeaseUntil"] = now + LeaseFor;
                    if (await deliveries.SaveStateAsync(state, cancellationToken) is not { } renewed)
                    {
                        return null; // lost the lease (this pump stalled past it): the holder carries on
                    }
                    state = renewed;
                }
                if (!rows.TryGetValue(seq, out var row) || row.GetString("Status") != DeliveryStatus.Pending)
                {
                    await deliveries.DropPendingAsync(tenantId, subscriptionId, seq, cancellationToken);
                    continue;
                }
                var outcome = await DeliverAsync(subscription, recipient, row, events.GetValueOrDefault(seq), secrets, cancellationToken);
                settled.Add(row);
                settledChars += ChunkedText.Read(row, "Body")?.Length ?? 0;
                // Within a transaction's limits: 100 actions (a row and its marker each) and 4 MiB.
                if (settled.Count >= 49 || settledChars > 1_000_000)
                {
                    await FlushAsync();
                }
                if (outcome is { } attempted && await HealthAsync(tenantId, subscription, state, attempted, cancellationToken) is { } disabled)
                {
                    subscription = disabled;
                    break;
                }
            }
            await FlushAsync();
        }
        // Off (by a person, or for failing): nothing more is attempted until it is turned on again.
        await ScheduleNextAsync(tenantId, subscriptionId, null, cancellationToken);
        return state;
    }

    /// <summary>After a pass: a message for the next retry, unless one is already coming by then; no row when nothing is left.</summary>
    private async Task ScheduleNextAsync(string tenantId, string subscriptionId, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var due = await deliveries.DueAsync(tenantId, subscriptionId, cancellationToken);
        if (next is null)
        {
            if (due is not null && due.GetDateTimeOffset("ScheduledFor") is null)
            {
                await deliveries.SaveDueAsync(due, remove: true, cancellationToken);
            }
            return;
        }
        await ScheduleAsync(tenantId, subscriptionId, next.Value, cancellationToken);
    }

    private async Task<IReadOnlyDictionary<long, ChangeEvent>> EventsAsync(string tenantId, IReadOnlyList<long> seqs, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(seqs.Select(async seq => (seq, Event: await feed.FindAsync(tenantId, seq, cancellationToken))));
        return found.Where(f => f.Event is not null).ToDictionary(f => f.seq, f => f.Event!);
    }

    /// <summary>
    /// One attempt of one delivery, recorded on its row for the caller to write (<paramref name="e"/> is its event, null
    /// once trimmed from the feed, unused once a body was sent: a retry sends the same message); the outcome, or null
    /// when it was settled without an attempt.
    /// </summary>
    private async Task<DeliveryOutcome?> DeliverAsync(WebhookSubscription subscription, Recipient recipient, TableEntity row, ChangeEvent? e,
        IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var body = ChunkedText.Read(row, "Body");
        if (body is null)
        {
            if (e is null)
            {
                WebhookDeliveryStore.Settle(row, DeliveryStatus.Failed, "The event is no longer in the change feed (older than its retention).", now);
                return null;
            }
            if (recipient.Viewer is null || !recipient.Viewer.Sees(e))
            {
                WebhookDeliveryStore.Settle(row, DeliveryStatus.Skipped, recipient.Viewer is null
                    ? recipient.Why! : "The subscription's maker may not see this record (data scope).", now);
                return null;
            }
            body = CrmJson.Serialize(recipient.Viewer.Shape(e));
        }
        var result = await sender.SendAsync(subscription.Url, row.GetString("EventId")!, body, secrets, cancellationToken);
        var firstAttemptAt = row.GetDateTimeOffset("FirstAttemptAt") ?? result.Attempt.At;
        var policy = Options.RetryPolicy;
        var attempts = (row.GetInt32("Attempts") ?? 0) + 1;
        var (status, next) = result.Outcome switch
        {
            DeliveryOutcome.Delivered => (DeliveryStatus.Delivered, (DateTimeOffset?)null),
            DeliveryOutcome.Failed => (DeliveryStatus.Failed, null),
            _ when policy.GivesUp(firstAttemptAt, clock.GetUtcNow()) => (DeliveryStatus.DeadLettered, null),
            _ => (DeliveryStatus.Pending, clock.GetUtcNow() + policy.NextDelay(attempts, Random.Shared.NextDouble(), result.RetryAfter)),
        };
        WebhookDeliveryStore.RecordAttempt(row, result.Attempt, status, next, body);
        return result.Outcome;
    }

    /// <summary>
    /// Keeps the subscription's health on its state row: failing since the first failure after the last success;
    /// after <see cref="WebhookOptions.DisableAfter"/> of that it is turned off and its maker told. The disabled
    /// subscription, or null.
    /// </summary>
    private async Task<WebhookSubscription?> HealthAsync(string tenantId, WebhookSubscription subscription, TableEntity state, DeliveryOutcome outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (outcome == DeliveryOutcome.Delivered)
        {
            state.Remove("FailingSince");
            state["LastSuccessAt"] = now;
            return null;
        }
        var since = state.GetDateTimeOffset("FailingSince");
        if (since is null)
        {
            state["FailingSince"] = now;
            return null;
        }
        if (now - since.Value < Options.DisableAfter)
        {
            return null;
        }
        var disabled = await subscriptions.UpdateAsync(Actor.Write(tenantId, now), subscription.Id, null,
            current => ValueTask.FromResult(current.Enabled ? current with { Enabled = false, DisabledReason = "failing", DisabledAt = now } : current),
            cancellationToken: cancellationToken);
        await notifier.NotifyAsync(tenantId, new Notice(subscription.CreatedBy, "webhook.disabled",
                $"Webhook turned off: {subscription.Description ?? subscription.Url}",
                $"Every delivery to {subscription.Url} has failed since {since.Value:u}. Fix the receiver, then turn the subscription on again; failed deliveries can be sent again from its delivery log.",
                "webhookSubscription", subscription.Id),
            $"webhook.disabled:{subscription.Id}:{since.Value.UtcTicks}", cancellationToken);
        state.Remove("FailingSince");
        return disabled;
    }

    /// <summary>Who the subscription delivers for: its maker, bounded by the API key it was made with; or why nobody.</summary>
    private sealed record Recipient(FeedViewer? Viewer, string? Why);

    private async Task<Recipient> RecipientAsync(string tenantId, WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var user = await directory.UserAsync(tenantId, subscription.CreatedBy, cancellationToken);
        if (user is not { Status: UserStatus.Active })
        {
            return new(null, "The subscription's maker is no longer an active user.");
        }
        var access = await directory.ProfileAsync(tenantId, user, cancellationToken);
        if (subscription.ApiKeyId is { } keyId)
        {
            var key = await apiKeys.FindAsync(tenantId, keyId, cancellationToken);
            if (key is null || key.RevokedAt is not null || key.IsExpired(clock.GetUtcNow()))
            {
                return new(null, "The API key the subscription was made with is revoked or expired.");
            }
            access = key.Profile();
        }
        return new(await viewers.ForAsync(tenantId, user.Id, access, cancellationToken), null);
    }
}
