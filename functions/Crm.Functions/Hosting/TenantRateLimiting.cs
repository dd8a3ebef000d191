using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Crm.Functions.Hosting;

internal sealed class RateLimitOptions
{
    /// <summary>Requests a tenant may make per window; the bucket refills evenly over the window.</summary>
    public int PermitsPerWindow { get; set; } = 3000;
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Per-tenant token buckets (unauthenticated callers by IP). Every response carries the IETF
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> headers; a refusal is 429 with <c>Retry-After</c>.
/// Buckets live in the replica's memory, so with N replicas a tenant may get up to N times the quota.
/// </summary>
internal sealed class TenantRateLimitMiddleware : IDisposable
{
    private readonly RequestDelegate _next;
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _limiter;

    public TenantRateLimitMiddleware(RequestDelegate next, IOptions<RateLimitOptions> options)
    {
        _next = next;
        _options = options.Value;
        var perSecond = Math.Max(1, _options.PermitsPerWindow / Math.Max(1, _options.WindowSeconds));
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.PermitsPerWindow,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.Items.ContainsKey("crm.caller") ? "tenant:" + context.Caller().TenantId : "ip:" + context.Connection.RemoteIpAddress;
        using var lease = _limiter.AttemptAcquire(key);
        var remaining = _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
        var perSecond = Math.Max(1, _options.PermitsPerWindow / Math.Max(1, _options.WindowSeconds));
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = $"\"tenant\";q={_options.PermitsPerWindow};w={_options.WindowSeconds}";
        var secondsToFull = (int)Math.Ceiling((_options.PermitsPerWindow - remaining) / (double)perSecond);
        headers["RateLimit"] = $"\"tenant\";r={remaining};t={secondsToFull}";
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
            headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(context, 429, ProblemCodes.RateLimited, "Too many requests",
                $"This tenant may make {_options.PermitsPerWindow} requests per {_options.WindowSeconds} seconds.");
            return;
        }
        await _next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
