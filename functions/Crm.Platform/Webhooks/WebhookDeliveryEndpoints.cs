using System.Globalization;
using Crm.Domain.Common;
using Crm.Domain.Webhooks;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Webhooks;

/// <summary>A subscription's delivery log, and sending deliveries again (with the same <c>webhook-id</c>).</summary>
public static class WebhookDeliveryEndpoints
{
    private static readonly HashSet<string> Statuses =
        [DeliveryStatus.Pending, DeliveryStatus.Delivered, DeliveryStatus.Failed, DeliveryStatus.DeadLettered, DeliveryStatus.Skipped];

    internal static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/deliveries", ListWebhookDeliveries).WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's delivery log, newest first: status, attempts, last answer, next attempt; filter by status");
        group.MapGet("/{id}/deliveries/{deliveryId}", GetWebhookDelivery).WithName("GetWebhookDelivery")
            .WithSummary("One delivery with every attempt and, for 7 days, the body sent");
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverWebhook).WithName("RedeliverWebhook")
            .WithSummary("Send one delivery again now, with the same webhook-id and body");
        group.MapPost("/{id}/redeliver", RedeliverFailedWebhooks).WithName("RedeliverFailedWebhooks")
            .WithSummary("Send again every failed or dead-lettered delivery made since a time");
    }

    public static async Task<Ok<WebhookDeliveryPage>> ListWebhookDeliveries(string id, RecordStore<WebhookSubscription> subscriptions,
        WebhookDeliveryStore deliveries, HttpContext context, string? status = null, string? cursor = null, int limit = 50)
    {
        var tenantId = context.Caller().TenantId;
        if (limit is < 1 or > 200)
        {
            throw new ValidationException("limit", "Must be between 1 and 200.");
        }
        if (status is not null && !Statuses.Contains(status))
        {
            throw new ValidationException("status", $"One of {string.Join(", ", Statuses)}.");
        }
        long? after = null;
        if (cursor is not null)
        {
            after = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
                ? seq : throw new ValidationException("cursor", "Pass the nextCursor of a page.", "list.invalid_cursor");
        }
        await subscriptions.GetAsync(tenantId, id, context.RequestAborted);
        return TypedResults.Ok(await deliveries.ListAsync(tenantId, id, status, after, limit, context.RequestAborted));
    }

    public static async Task<Ok<WebhookDelivery>> GetWebhookDelivery(string id, string deliveryId, WebhookDeliveryStore deliveries,
        RecordStore<WebhookSubscription> subscriptions, HttpContext context)
    {
        var row = await FindAsync(context.Caller().TenantId, id, deliveryId, subscriptions, deliveries, context.RequestAborted);
        return TypedResults.Ok(WebhookDeliveryStore.View(row, detail: true));
    }

    public static async Task<Ok<WebhookDelivery>> RedeliverWebhook(string id, string deliveryId, WebhookDeliveryStore deliveries,
        RecordStore<WebhookSubscription> subscriptions, WebhookPump pump, TimeProvider clock, HttpContext context)
    {
        var tenantId = context.Caller().TenantId;
        while (true)
        {
            var row = await FindAsync(tenantId, id, deliveryId, subscriptions, deliveries, context.RequestAborted);
            if (row.GetString("Status") == DeliveryStatus.Skipped)
            {
                throw new ConflictException("webhook.delivery_skipped", "This delivery was skipped (its maker may not see the record): there is nothing to send.");
            }
            var now = clock.GetUtcNow();
            WebhookDeliveryStore.Reopen(row, now);
            if (await deliveries.SaveAsync(row, context.RequestAborted))
            {
                await pump.ScheduleAsync(tenantId, id, now, context.RequestAborted);
                return TypedResults.Ok(WebhookDeliveryStore.View(row, detail: false));
            }
        }
    }

    public static async Task<Ok<RedeliverCount>> RedeliverFailedWebhooks(string id, RedeliverFailed input, WebhookDeliveryStore deliveries,
        RecordStore<WebhookSubscription> subscriptions, WebhookPump pump, TimeProvider clock, HttpContext context)
    {
        var tenantId = context.Caller().TenantId;
        var since = RequestValidation.Validate(input).Since!.Value;
        await subscriptions.GetAsync(tenantId, id, context.RequestAborted);
        var now = clock.GetUtcNow();
        var count = 0;
        foreach (var row in await deliveries.FailedSinceAsync(tenantId, id, since, context.RequestAborted))
        {
            WebhookDeliveryStore.Reopen(row, now);
            // A row changed meanwhile (a redelivery of its own) is already on its way.
            if (await deliveries.SaveAsync(row, context.RequestAborted))
            {
                count++;
            }
        }
        if (count > 0)
        {
            await pump.ScheduleAsync(tenantId, id, now, context.RequestAborted);
        }
        return TypedResults.Ok(new RedeliverCount(count));
    }

    private static async Task<Azure.Data.Tables.TableEntity> FindAsync(string tenantId, string id, string deliveryId,
        RecordStore<WebhookSubscription> subscriptions, WebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        await subscriptions.GetAsync(tenantId, id, cancellationToken);
        return long.TryParse(deliveryId, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            && await deliveries.FindAsync(tenantId, id, seq, cancellationToken) is { } row
            ? row
            : throw new NotFoundException("webhookDelivery", deliveryId);
    }
}

/// <summary>A test message to a subscription, sent now and signed like any delivery; not in the delivery log.</summary>
public sealed class WebhookPing(RecordStore<WebhookSubscription> subscriptions, WebhookSubscriptionService service, WebhookSender sender, TimeProvider clock)
{
    public async Task<PingResult> SendAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        var subscription = await subscriptions.GetAsync(tenantId, id, cancellationToken);
        var now = clock.GetUtcNow();
        var ping = new Crm.Storage.Events.ChangeEvent
        {
            Id = Ids.New(now),
            Type = "crm.webhook.ping",
            Source = $"/tenants/{tenantId}",
            Time = now,
            TenantId = tenantId,
            Subject = $"webhook-subscriptions/{id}",
            Actor = "system:webhooks",
            Data = new() { RecordType = "webhookSubscription", RecordId = id },
        };
        var result = await sender.SendAsync(subscription.Url, ping.Id, CrmJson.Serialize(ping),
            (await service.SecretsAsync(tenantId, id, cancellationToken)).Signing, cancellationToken);
        return new PingResult(ping.Id, result.Outcome == DeliveryOutcome.Delivered, result.Attempt.ResponseCode, result.Attempt.DurationMs, result.Attempt.Error);
    }
}
