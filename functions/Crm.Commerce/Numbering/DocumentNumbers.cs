using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Settings;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Commerce.Numbering;

/// <summary>
/// Numbers a new document by the tenant's rule for its kind, on the tenant's calendar day, gap-free in its series
/// (<see cref="RecordStore{T}.CreateNumberedAsync"/>): the number is taken in the same transaction that writes it.
/// </summary>
internal sealed class DocumentNumbers(TenantStore tenants)
{
    public async Task<T> CreateAsync<T>(RecordStore<T> store, WriteContext write, Func<NumberingSettings, string> rule, T record, Func<T, string, T> numbered,
        CancellationToken cancellationToken) where T : RecordBase
    {
        var tenant = await tenants.FindAsync(write.TenantId, cancellationToken);
        var text = rule(tenant?.Numbering ?? NumberingSettings.Default);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(write.Now, tenant?.Zone ?? TimeZoneInfo.Utc).DateTime);
        return await store.CreateNumberedAsync(write, NumberRule.Series(text, day), n => numbered(record, NumberRule.Format(text, day, n)), cancellationToken);
    }
}

/// <summary>The tenant's numbering rules, read and changed as one settings document (a change applies to documents made after it).</summary>
internal static class NumberingSettingsEndpoints
{
    public static IEndpointRouteBuilder MapNumberingSettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/settings/numbering").WithTags("Numbering").RequirePermission(Permissions.SettingsManage);
        group.MapGet("/", GetNumberingSettings).WithName("GetNumberingSettings").WithSummary("How quotes, contracts and purchase orders are numbered");
        group.MapPatch("/", UpdateNumberingSettings).WithName("UpdateNumberingSettings")
            .WithSummary("Change a numbering rule, e.g. {\"contracts\": \"HT-{yyyy}{MM}-{seq:0000}\"} (JSON merge patch)").AcceptsMergePatch<NumberingSettings>();
        return routes;
    }

    public static Task<Ok<NumberingSettings>> GetNumberingSettings(TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.GetAsync(tenants, context, t => t.Numbering);

    public static Task<Ok<NumberingSettings>> UpdateNumberingSettings(JsonObject patch, TenantStore tenants, HttpContext context) =>
        TenantSettingsDocument.PatchAsync(tenants, context, patch, t => t.Numbering, (t, settings) => t with { Numbering = settings });
}
