using Crm.Storage.Events;
using Crm.Storage.Tenants;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Options;

namespace Crm.Platform.Events;

/// <summary>
/// A feature that follows the change feed inside the service (webhook deliveries): told each time a tenant's
/// outbox was dispatched. It keeps its own place in the feed, so a call missed by a crash is made up by the next
/// one or by the feature's own sweep, and a call repeated does nothing twice.
/// </summary>
public interface IFeedFollower
{
    Task FeedGrewAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>Moves a tenant's outbox into its change feed when a write asks for it, then tells the feed's followers.</summary>
public sealed class DispatchOutboxHandler(OutboxDispatcher dispatcher, IEnumerable<IFeedFollower> followers) : IQueueHandler<DispatchOutbox>
{
    public async Task HandleAsync(DispatchOutbox message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        await dispatcher.DispatchAsync(message.TenantId, cancellationToken);
        foreach (var follower in followers)
        {
            await follower.FeedGrewAsync(message.TenantId, cancellationToken);
        }
    }
}

/// <summary>
/// The safety net of the outbox: if the process died between a commit and queueing its dispatch,
/// this finds the tenants whose outbox still holds events.
/// </summary>
public sealed class OutboxSweepJob(OutboxDispatcher dispatcher) : ITimerJob
{
    public const string Name = "outbox-sweep";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        foreach (var tenantId in await dispatcher.TenantsWithPendingAsync(cancellationToken))
        {
            await dispatcher.DispatchAsync(tenantId, cancellationToken);
        }
    }
}

public sealed class EventFeedOptions
{
    /// <summary>How long the change feed keeps events (API.md promises at least 30 days).</summary>
    public int RetentionDays { get; set; } = 35;
}

/// <summary>Trims change-feed events older than the retention, tenant by tenant.</summary>
public sealed class EventFeedRetentionJob(EventFeed feed, TenantStore tenants, IOptions<EventFeedOptions> options) : ITimerJob
{
    public const string Name = "event-feed-retention";

    public async Task RunAsync(TimerJobContext context, CancellationToken cancellationToken)
    {
        var retention = TimeSpan.FromDays(Math.Max(30, options.Value.RetentionDays));
        foreach (var tenant in await tenants.ListAsync(cancellationToken))
        {
            await feed.TrimAsync(tenant.Id, retention, cancellationToken);
        }
    }
}
