using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Settings;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Sales.Pool;

/// <summary>The public pool's claim cap and cool-down, read and changed as one small document of the tenant.</summary>
internal static class PoolSettingsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/settings/pool").WithTags("Public pool").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/", GetPoolSettings).WithName("GetPoolSettings").WithSummary("Claim cap and re-claim cool-down of the public pool");
        group.MapPatch("/", UpdatePoolSettings).WithName("UpdatePoolSettings").WithSummary("Change the claim cap or cool-down (JSON merge patch)")
            .AcceptsMergePatch<PoolSettings>();
    }

    public static Task<Ok<PoolSettings>> GetPoolSettings(TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.GetAsync(tenants, context, t => t.Pool);

    public static Task<Ok<PoolSettings>> UpdatePoolSettings(JsonObject patch, TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.PatchAsync(tenants, context, patch, t => t.Pool, (t, settings) => t with { Pool = settings });
}
