using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Tenants;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Platform.Settings;

/// <summary>The tenant's password policy and sign-in lockout, read and changed as one small document.</summary>
public static class SecuritySettingsEndpoints
{
    public static IEndpointRouteBuilder MapSecuritySettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/settings/security").WithTags("Settings").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/", GetSecuritySettings).WithName("GetSecuritySettings").WithSummary("Password policy and sign-in lockout of the tenant");
        group.MapPatch("/", UpdateSecuritySettings).WithName("UpdateSecuritySettings").WithSummary("Change the password policy or lockout (JSON merge patch)")
            .AcceptsMergePatch<SecuritySettings>();
        return routes;
    }

    public static Task<Ok<SecuritySettings>> GetSecuritySettings(TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.GetAsync(tenants, context, t => t.Security);

    public static Task<Ok<SecuritySettings>> UpdateSecuritySettings(JsonObject patch, TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.PatchAsync(tenants, context, patch, t => t.Security, (t, settings) => t with { Security = settings });
}
