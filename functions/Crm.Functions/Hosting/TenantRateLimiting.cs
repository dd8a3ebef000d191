using System.Globalization;
using System.Threading.RateLimiting;
using Crm.Functions.Auth;
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
/// Runs right after authentication, keyed by the validated token's tenant, so that every later
/// answer (413, a disabled user's 401, problems written by the exception handler) counts and says so.
/// </summary>
internal sealed class TenantRateLimitMiddleware : IDisposable
{
    private readonly RequestDelegate _next;
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly double _secondsPerPermit;

    public TenantRateLimitMiddleware(RequestDelegate next, IOptions<RateLimitOptions> options)
    {
        _next = next;
        _options = options.Value;
        var permits = Math.Max(1, _options.PermitsPerWindow);
        var window = Math.Max(1, _options.WindowSeconds);
        _secondsPerPermit = (double)window / permits;
        // Refill evenly: whole permits every second when the quota allows, else one permit every window/quota.
        var tokensPerPeriod = Math.Max(1, permits / window);
        var period = TimeSpan.FromSeconds(tokensPerPeriod * _secondsPerPermit);
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var key = context.User.FindFirst(CrmClaims.Tenant)?.Value is { Length: > 0 } tenantId ? "tenant:" + tenantId : "ip:" + context.Connection.RemoteIpAddress;
        using var lease = _limiter.AttemptAcquire(key);
        var remaining = _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
        var secondsToFull = (int)Math.Ceiling((_options.PermitsPerWindow - remaining) * _secondsPerPermit);
        var policy = $"\"tenant\";q={_options.PermitsPerWindow};w={_options.WindowSeconds}";
        var state = $"\"tenant\";r={remaining};t={secondsToFull}";
        // Set when the response starts: the exception handler clears headers before writing its problem.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["RateLimit-Policy"] = policy;
            context.Response.Headers["RateLimit"] = state;
            return Task.CompletedTask;
        });
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : (int)Math.Ceiling(_secondsPerPermit);
            context.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(context, 429, ProblemCodes.RateLimited, "Too many requests",
                $"This tenant may make {_options.PermitsPerWindow} requests per {_options.WindowSeconds} seconds.");
            return;
        }
        await _next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
