using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Sales.Pool;

internal static class PoolRegistration
{
    /// <summary>The public pool: its actions, its settings, its rules and the daily job that applies them.</summary>
    public static IServiceCollection AddPublicPool(this IServiceCollection services)
    {
        services.AddRecordType<PoolRule, PoolRuleRecordType>();
        services.AddSingleton<PoolRuleService>();
        services.AddSingleton<PublicPool>();
        services.AddSingleton<IApiFeature, PoolEndpoints>();
        services.AddTimerJob<PoolRuleJob>(PoolRuleJob.Name);
        return services;
    }
}
