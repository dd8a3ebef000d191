using System.Collections.Concurrent;
using Crm.Storage.Triggers;
using Microsoft.Extensions.Logging;

namespace Crm.Storage.Events;

/// <summary>Told after every committed write, so the outbox of that tenant gets dispatched soon.</summary>
public interface IOutboxNotifier
{
    void Notify(string tenantId);
}

/// <summary>The queue message that asks for a tenant's outbox to be moved into its change feed.</summary>
public sealed record DispatchOutbox(string TenantId) : IQueueMessage
{
    public string IdempotencyKey => "outbox:" + TenantId;
}

/// <summary>
/// Coalesces a burst of writes into one queue message per tenant: the first write schedules a
/// send a moment later, and every write committed before that send is covered by it. If the
/// process dies before sending, the outbox sweep job finds the events.
/// </summary>
public sealed class OutboxNotifier(IQueueSender sender, ILogger<OutboxNotifier> logger) : IOutboxNotifier
{
    public const string QueueName = "outbox";
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, byte> _scheduled = new(StringComparer.Ordinal);

    public void Notify(string tenantId)
    {
        if (_scheduled.TryAdd(tenantId, 0))
        {
            _ = SendSoonAsync(tenantId);
        }
    }

    private async Task SendSoonAsync(string tenantId)
    {
        try
        {
            await Task.Delay(Coalesce).ConfigureAwait(false);
            _scheduled.TryRemove(tenantId, out _);
            await sender.SendAsync(QueueName, new DispatchOutbox(tenantId)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _scheduled.TryRemove(tenantId, out _);
            logger.LogWarning(e, "Could not queue the outbox dispatch of tenant {TenantId}; the sweep job will pick it up.", tenantId);
        }
    }
}
