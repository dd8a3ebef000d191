using Crm.Domain.Webhooks;
using Crm.Storage.Records;

namespace Crm.Platform.Webhooks;

public sealed class WebhookSubscriptionRecordType : RecordType<WebhookSubscription>
{
    public override string Name => "webhookSubscription";
    public override string Table => "webhooksubscriptions";
    public override string Collection => "webhook-subscriptions";
    public override string DisplayName(WebhookSubscription record) => record.Description is { Length: > 0 } d ? d : record.Url;

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["url", "enabled", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
