using System.Globalization;
using System.Threading.RateLimiting;
using Crm.Platform.ApiKeys;
using Crm.Platform.Auth;
using Crm.Platform.Web;
using Microsoft.Extensions.Options;

namespace Crm.Functions.Hosting;

internal sealed class RateLimitOptions
{
    /// <summary>Requests a tenant may make per window; the bucket refills evenly over the window.</summary>
    public int PermitsPerWindow { get; set; } = 3000;
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Each API key has its own bucket, so one partner's burst never starves the tenant's staff or other partners.</summary>
    public int ApiKeyPermitsPerWindow { get; set; } = 1000;
    public int ApiKeyWindowSeconds { get; set; } = 60;
}

/// <summary>
/// Token buckets per tenant, per API key, and by IP for unauthenticated callers. Every response carries
/// the IETF <c>RateLimit-Policy</c> and <c>RateLimit</c> headers naming the bucket's policy
/// (<c>"tenant"</c> or <c>"apiKey"</c>); a refusal is 429 with <c>Retry-After</c>. Buckets live in the
/// replica's memory, so with N replicas a caller may get up to N times the quota.
/// Runs right after authentication, keyed by the validated credential, so that every later
/// answer (413, a disabled user's 401, problems written by the exception handler) counts and says so.
/// </summary>
internal sealed class TenantRateLimitMiddleware : IDisposable
{
    private sealed record Policy(string Name, int Permits, int Window)
    {
        public double SecondsPerPermit => (double)Window / Permits;

        public static Policy Of(string name, int permits, int window) => new(name, Math.Max(1, permits), Math.Max(1, window));
    }

    private readonly RequestDelegate _next;
    private readonly Policy _tenant;
    private readonly Policy _apiKey;
    private readonly PartitionedRateLimiter<(Policy, string)> _limiter;

    public TenantRateLimitMiddleware(RequestDelegate next, IOptions<RateLimitOptions> options)
    {
        _next = next;
        _tenant = Policy.Of("tenant", options.Value.PermitsPerWindow, options.Value.WindowSeconds);
        _apiKey = Policy.Of("apiKey", options.Value.ApiKeyPermitsPerWindow, options.Value.ApiKeyWindowSeconds);
        _limiter = PartitionedRateLimiter.Create<(Policy Policy, string Key), (Policy, string)>(key => RateLimitPartition.GetTokenBucketLimiter(key, k =>
        {
            var policy = k.Item1;
            // Refill evenly: whole permits every second when the quota allows, else one permit every window/quota.
            var tokensPerPeriod = Math.Max(1, policy.Permits / policy.Window);
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = policy.Permits,
                TokensPerPeriod = tokensPerPeriod,
                ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod * policy.SecondsPerPermit),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        }));
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        var partition = user.FindFirst(ApiKeyAuthentication.KeyClaim)?.Value is { Length: > 0 } keyId ? (_apiKey, "key:" + keyId)
            : user.FindFirst(CrmClaims.Tenant)?.Value is { Length: > 0 } tenantId ? (_tenant, "tenant:" + tenantId)
            : (_tenant, "ip:" + context.Connection.RemoteIpAddress);
        var policy = partition.Item1;
        using var lease = _limiter.AttemptAcquire(partition);
        var remaining = _limiter.GetStatistics(partition)?.CurrentAvailablePermits ?? 0;
        var secondsToFull = (int)Math.Ceiling((policy.Permits - remaining) * policy.SecondsPerPermit);
        var policyHeader = $"\"{policy.Name}\";q={policy.Permits};w={policy.Window}";
        var state = $"\"{policy.Name}\";r={remaining};t={secondsToFull}";
        // Set when the response starts: the exception handler clears headers before writing its problem.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers["RateLimit-Policy"] = policyHeader;
            context.Response.Headers["RateLimit"] = state;
            return Task.CompletedTask;
        });
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : (int)Math.Ceiling(policy.SecondsPerPermit);
            context.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
            var who = policy == _apiKey ? "This API key" : "This tenant";
            await ProblemWriter.WriteAsync(context, 429, ProblemCodes.RateLimited, "Too many requests",
                $"{who} may make {policy.Permits} requests per {policy.Window} seconds.");
            return;
        }
        await _next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
