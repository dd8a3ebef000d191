using Crm.Domain.Webhooks;

namespace Crm.Platform.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>Accept http URLs; unset: only in Development.</summary>
    public bool? AllowHttp { get; set; }

    /// <summary>Deliver to private, loopback and link-local addresses; unset: only in Development. Never on in production.</summary>
    public bool? AllowPrivateTargets { get; set; }

    /// <summary>How long one attempt may take, connection included, before it counts as a timeout (retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan FirstRetryDelay { get; set; } = WebhookRetryPolicy.Default.FirstDelay;
    public TimeSpan MaxRetryDelay { get; set; } = WebhookRetryPolicy.Default.MaxDelay;

    /// <summary>How long a message is retried before it is dead-lettered (Standard Webhooks: at least a day).</summary>
    public TimeSpan RetryWindow { get; set; } = WebhookRetryPolicy.Default.RetryWindow;

    /// <summary>A subscription whose deliveries have failed for this long without one success is turned off.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(5);

    /// <summary>After a rotation, how long the old secret keeps signing too.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the delivery log keeps what was sent; the entry itself stays for <see cref="LogRetention"/>.</summary>
    public TimeSpan BodyRetention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(30);

    public int MaxSubscriptions { get; set; } = 50;

    internal WebhookRetryPolicy RetryPolicy => new(FirstRetryDelay, MaxRetryDelay, RetryWindow);
}
