using Crm.Domain.Webhooks;
using Crm.Platform.Events;
using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Platform.Webhooks;

public static class WebhookRegistration
{
    /// <summary>Subscriptions, the fan-out from the change feed, the delivery pump and its safety nets.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Webhooks"));
        services.AddRecordType<WebhookSubscription, WebhookSubscriptionRecordType>();
        services.AddSingleton<WebhookSubscriptionService>();
        services.AddSingleton<WebhookDeliveryStore>().AddTable(WebhookDeliveryStore.TableName);
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookPing>();
        services.AddSingleton<WebhookFanout>();
        services.AddSingleton<IFeedFollower>(sp => sp.GetRequiredService<WebhookFanout>());
        services.AddSingleton<WebhookPump>();
        services.AddQueueHandler<PumpWebhookDeliveries, WebhookPump>(WebhookPump.QueueName);
        services.AddTimerJob<WebhookSweepJob>(WebhookSweepJob.Name);
        services.AddTimerJob<WebhookLogRetentionJob>(WebhookLogRetentionJob.Name);
        return services;
    }
}
