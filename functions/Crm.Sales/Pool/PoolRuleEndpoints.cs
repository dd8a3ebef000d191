using Crm.Domain.Access;
using Crm.Domain.Sales;
using Crm.Platform.Records;

namespace Crm.Sales.Pool;

/// <summary><c>/api/v1/pool-rules</c>: tenant configuration, read and changed with <c>settings.manage</c>.</summary>
internal static class PoolRuleEndpoints
{
    public static void Map(IEndpointRouteBuilder api) =>
        RecordApi<PoolRule, CreatePoolRule, PoolRuleService>.Map(api.MapGroup("/api/v1/pool-rules").WithTags("Public pool"),
            "PoolRule", "PoolRules", RecordPermissions.Managed(Permissions.SettingsManage, Permissions.SettingsManage));
}
