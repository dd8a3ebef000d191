using System.Security.Cryptography;
using System.Text;
using Crm.Domain.Common;
using Crm.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Tenants;

public static class TenantEndpoints
{
    public const string PlatformKeyHeader = "X-Platform-Key";

    /// <summary>The OpenAPI security scheme of <see cref="PlatformKeyHeader"/>.</summary>
    public const string PlatformKeyScheme = "platformKey";

    public static IEndpointRouteBuilder MapTenants(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/tenants", CreateTenant).WithTags("Tenants").AllowAnonymous().WithMetadata(new KeyHeaderSecurity(PlatformKeyScheme))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("CreateTenant").WithSummary("Create a company with its first super administrator (needs the platform key)");
        return routes;
    }

    public static async Task<Created<TenantCreated>> CreateTenant(CreateTenant input, TenantProvisioning provisioning, IConfiguration configuration, HttpContext context)
    {
        var expected = configuration["CRM_PLATFORM_KEY"];
        if (string.IsNullOrEmpty(expected))
        {
            // Without a platform key the endpoint does not exist for callers.
            throw new NotFoundException("route", context.Request.Path);
        }
        var given = context.Request.Headers[PlatformKeyHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            throw new UnauthorizedException("platform.invalid_key", $"Send the platform key in {PlatformKeyHeader}.");
        }
        var created = await provisioning.ProvisionAsync(input, context.RequestAborted);
        return TypedResults.Created($"/api/v1/tenants/{created.Tenant.Id}", created);
    }
}
