using Crm.Domain.Access;
using Crm.Platform.Records;

namespace Crm.Platform.IpRules;

public static class IpRuleEndpoints
{
    public static IEndpointRouteBuilder MapIpRules(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/ip-rules").WithTags("IP rules");
        RecordApi<IpRule, CreateIpRule, IpRuleService>.Map(group, "IpRule", "IpRules", RecordPermissions.Managed(Permissions.IpRulesManage, Permissions.IpRulesManage));
        return routes;
    }
}
