using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Webhooks;

/// <summary>
/// The service as the webhook tests need it: deliveries to the loopback receiver over http (what production refuses),
/// attempts timing out after 2 s, retries a fraction of a second apart.
/// </summary>
public class WebhookApp : CrmApp
{
    public WebhookApp()
    {
    }

    private WebhookApp(string prefix) : base(prefix, ownsStorage: false)
    {
    }

    /// <summary>A second host on this one's storage, with the same webhook settings (the service started again).</summary>
    public new WebhookApp OnSameStorage() => new(Prefix);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowPrivateTargets"] = "true",
        ["Webhooks:Timeout"] = "00:00:02",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.300",
        ["Webhooks:MaxRetryDelay"] = "00:00:01",
        ["Webhooks:RetryWindow"] = RetryWindow,
        ["Webhooks:DisableAfter"] = DisableAfter,
    };

    protected virtual string RetryWindow => "1.00:00:00";

    protected virtual string DisableAfter => "5.00:00:00";
}

/// <summary>Retries given up after 2 s and a subscription turned off after 3 s of failures: the end of the road, quickly.</summary>
public sealed class ShortWindowWebhookApp : WebhookApp
{
    protected override string RetryWindow => "00:00:02";

    protected override string DisableAfter => "00:00:03";
}

/// <summary>Production's rules for targets: https only, never an address inside a network.</summary>
public sealed class StrictWebhookApp : CrmApp;
