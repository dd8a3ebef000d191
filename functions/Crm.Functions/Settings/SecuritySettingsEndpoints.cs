using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Tenants;
using Crm.Functions.Access;
using Crm.Functions.Hosting;
using Crm.Functions.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Settings;

/// <summary>The tenant's password policy and sign-in lockout, read and changed as one small document.</summary>
internal static class SecuritySettingsEndpoints
{
    public static IEndpointRouteBuilder MapSecuritySettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/settings/security").WithTags("Settings").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/", GetSecuritySettings).WithName("GetSecuritySettings").WithSummary("Password policy and sign-in lockout of the tenant");
        group.MapPatch("/", UpdateSecuritySettings).WithName("UpdateSecuritySettings").WithSummary("Change the password policy or lockout (JSON merge patch)")
            .Accepts<JsonObject>("application/merge-patch+json", "application/json");
        return routes;
    }

    public static async Task<Ok<SecuritySettings>> GetSecuritySettings(TenantStore tenants, HttpContext context)
    {
        var (tenant, version) = await ReadAsync(tenants, context);
        context.Response.Headers.ETag = Preconditions.ETag(version);
        return TypedResults.Ok(tenant.Security);
    }

    public static async Task<Ok<SecuritySettings>> UpdateSecuritySettings(JsonObject patch, TenantStore tenants, HttpContext context)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        // Without If-Match a concurrent change of the tenant row is re-read and the patch applied again (never a lost update).
        for (var attempt = 0; ; attempt++)
        {
            var (tenant, version) = await ReadAsync(tenants, context);
            if (ifMatch is not null && ifMatch != version)
            {
                throw new PreconditionFailedException("tenant", tenant.Id);
            }
            var settings = MergePatch.Apply(tenant.Security, patch);
            if (settings.Problems() is { Count: > 0 } problems)
            {
                throw new ValidationException(problems);
            }
            try
            {
                var updated = await tenants.UpdateAsync(tenant with { Security = settings }, version, context.RequestAborted);
                context.Response.Headers.ETag = Preconditions.ETag(updated);
                return TypedResults.Ok(settings);
            }
            catch (PreconditionFailedException) when (ifMatch is null && attempt < 8)
            {
            }
        }
    }

    private static async Task<(Tenant Tenant, string Version)> ReadAsync(TenantStore tenants, HttpContext context) =>
        await tenants.ReadAsync(context.Caller().TenantId, context.RequestAborted) ?? throw new NotFoundException("tenant", context.Caller().TenantId);
}
