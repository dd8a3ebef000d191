using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Tenants;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Settings;

/// <summary>
/// Reads and changes one settings document of the tenant row (<see cref="ITenantSettings"/>): the
/// tenant row's version is the ETag, and a JSON merge patch without If-Match is applied again to a
/// row changed meanwhile, so two settings pages saved at once never lose each other's change.
/// </summary>
public static class TenantSettingsDocument
{
    private const int Retries = 8;

    public static async Task<Ok<T>> GetAsync<T>(TenantStore tenants, HttpContext context, Func<Tenant, T> section)
    {
        var (tenant, version) = await ReadAsync(tenants, context);
        context.Response.Headers.ETag = Preconditions.ETag(version);
        return TypedResults.Ok(section(tenant));
    }

    public static async Task<Ok<T>> PatchAsync<T>(TenantStore tenants, HttpContext context, JsonObject patch, Func<Tenant, T> section, Func<Tenant, T, Tenant> replace)
        where T : ITenantSettings
    {
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, context.Caller().TenantId);
        for (var attempt = 0; ; attempt++)
        {
            var (tenant, version) = await ReadAsync(tenants, context);
            if (ifMatch is not null && ifMatch != version)
            {
                throw new PreconditionFailedException("tenant", tenant.Id);
            }
            var settings = MergePatch.Apply(section(tenant), patch);
            if (settings.Problems() is { Count: > 0 } problems)
            {
                throw new ValidationException(problems);
            }
            try
            {
                var updated = await tenants.UpdateAsync(replace(tenant, settings), version, context.RequestAborted);
                context.Response.Headers.ETag = Preconditions.ETag(updated);
                return TypedResults.Ok(settings);
            }
            catch (PreconditionFailedException) when (ifMatch is null && attempt < Retries)
            {
                // Another change of the tenant row: read it again and apply the patch to the fresh one.
            }
        }
    }

    private static async Task<(Tenant Tenant, string Version)> ReadAsync(TenantStore tenants, HttpContext context) =>
        await tenants.ReadAsync(context.Caller().TenantId, context.RequestAborted) ?? throw new NotFoundException("tenant", context.Caller().TenantId);
}
