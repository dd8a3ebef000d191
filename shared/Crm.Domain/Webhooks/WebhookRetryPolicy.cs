namespace Crm.Domain.Webhooks;

public enum DeliveryOutcome
{
    Delivered,
    Retry,
    Failed,
}

/// <summary>
/// What an attempt's answer means and when the next one comes. 2xx delivered; 5xx, 408, 409, 429, timeouts and
/// connection errors are tried again on an exponential back-off with jitter for at least <see cref="RetryWindow"/>
/// (then dead-lettered); any other answer (a 4xx: the receiver refuses the message, it will not change its mind,
/// or a redirect, which is not followed) fails at once.
/// </summary>
public sealed record WebhookRetryPolicy(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan RetryWindow)
{
    public static WebhookRetryPolicy Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromHours(4), TimeSpan.FromHours(24));

    public static DeliveryOutcome Classify(int? statusCode) => statusCode switch
    {
        null => DeliveryOutcome.Retry,
        >= 200 and < 300 => DeliveryOutcome.Delivered,
        >= 500 or 408 or 409 or 429 => DeliveryOutcome.Retry,
        _ => DeliveryOutcome.Failed,
    };

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1 (the first retry is attempt 1's follower): the delay
    /// grows fourfold per attempt up to <see cref="MaxDelay"/>, and is spread by up to a quarter either way
    /// (<paramref name="jitter"/> in [0, 1)) so that receivers coming back are not hit by every sender at once.
    /// A Retry-After the receiver sent is honoured when longer, up to the window.
    /// </summary>
    public TimeSpan NextDelay(int attempt, double jitter, TimeSpan? retryAfter = null)
    {
        var exponential = FirstDelay.TotalSeconds * Math.Pow(4, Math.Max(0, attempt - 1));
        var seconds = Math.Min(MaxDelay.TotalSeconds, exponential) * (0.75 + (jitter * 0.5));
        var delay = TimeSpan.FromSeconds(seconds);
        return retryAfter is { } asked && asked > delay ? (asked < RetryWindow ? asked : RetryWindow) : delay;
    }

    /// <summary>Whether a message failing again is given up (dead-lettered): only once it has been tried for the whole window.</summary>
    public bool GivesUp(DateTimeOffset firstAttemptAt, DateTimeOffset now) => now - firstAttemptAt >= RetryWindow;
}
