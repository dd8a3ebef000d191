using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Crm.Functions.Hosting;

/// <summary>
/// Browser front ends on other origins (configuration <c>Cors:AllowedOrigins</c>, a list or a comma-separated
/// string; none by default). Preflights are answered before authentication and rate limiting, since a browser
/// sends them without credentials; the headers a client needs to read (ETag, Location, rate limits) are exposed.
/// </summary>
internal static class CrossOrigin
{
    public const string Section = "Cors:AllowedOrigins";

    private static readonly string[] RequestHeaders = ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Api-Key", "Accept", "Accept-Language"];

    private static readonly string[] ExposedHeaders =
        ["ETag", "Location", "RateLimit", "RateLimit-Policy", "Retry-After", "Idempotent-Replayed", "WWW-Authenticate"];

    public static IServiceCollection AddCrmCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = Origins(configuration);
        services.AddCors(o =>
        {
            if (origins.Length > 0)
            {
                o.AddDefaultPolicy(Policy(origins));
            }
        });
        return services;
    }

    public static string[] Origins(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var listed = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        foreach (var origin in listed)
        {
            // Credentials (the Authorization header) are allowed, so a wildcard would hand any site the user's session.
            if (origin == "*")
            {
                throw new InvalidOperationException($"{Section} may not be '*': the API allows credentials, so name each front end's origin.");
            }
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                throw new InvalidOperationException($"{Section}: '{origin}' is not an origin (scheme://host[:port], no path).");
            }
        }
        return listed;
    }

    private static CorsPolicy Policy(string[] origins) => new CorsPolicyBuilder()
        .WithOrigins(origins)
        .WithMethods("GET", "POST", "PATCH", "PUT", "DELETE")
        .WithHeaders(RequestHeaders)
        .WithExposedHeaders(ExposedHeaders)
        .AllowCredentials()
        .SetPreflightMaxAge(TimeSpan.FromHours(1))
        .Build();
}
