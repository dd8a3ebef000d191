using Crm.Domain.Sales;
using Crm.Sales.Customers;
using Crm.Sales.Pipelines;
using Crm.Platform.Records;

namespace Crm.Sales.Opportunities;

internal static class OpportunityRegistration
{
    /// <summary>Opportunities as owned records, with their stage actions; they keep the pipelines they use.</summary>
    public static IServiceCollection AddOpportunities(this IServiceCollection services)
    {
        services.AddOwnedRecords<Opportunity, OpportunityRecordType, CreateOpportunity, OpportunityService>("Opportunities", "Opportunity", "Opportunities",
            (OwnerTransfer.Action, "Give opportunities to another owner"));
        services.AddSingleton<IPipelineUsage, OpportunityPipelineUsage>();
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<OpportunityService>());
        services.AddSingleton<OpportunityStages>();
        services.AddSingleton<ICustomerDependents, CustomerOpportunities>();
        services.AddSingleton<IApiFeature, OpportunityActions>();
        return services;
    }
}

internal sealed class OpportunityActions : IApiFeature
{
    public void Map(IEndpointRouteBuilder api) => OpportunityStages.Map(api);
}
