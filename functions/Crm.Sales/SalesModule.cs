using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Platform.Dictionaries;
using Crm.Platform.Records;
using Crm.Platform.Tenants;
using Crm.Sales.Contacts;
using Crm.Sales.Customers;
using Crm.Sales.Demo;
using Crm.Sales.FollowUps;
using Crm.Sales.Leads;
using Crm.Sales.Opportunities;
using Crm.Sales.Pipelines;
using Crm.Sales.Pool;
using Crm.Storage.Records;

namespace Crm.Sales;

/// <summary>
/// The sales module: customers and their contacts, opportunities on pipelines, leads and their conversion,
/// follow-ups and reminders, the public pool. Added after the platform, whose public types it builds on.
/// </summary>
public static class SalesModule
{
    public static IServiceCollection AddSales(this IServiceCollection services)
    {
        services.AddDictionaries(DataDictionaries.Sales);
        services.AddRecordType<Pipeline, PipelineRecordType>();
        services.AddSingleton<PipelineService>();
        services.AddSingleton<ITenantSeed, DefaultPipelineSeed>();
        services.AddCustomers();
        services.AddContacts();
        services.AddOpportunities();
        services.AddFollowUps();
        services.AddLeads();
        services.AddPublicPool();
        services.AddSingleton<IDemoData, SalesDemoData>();
        services.AddBuiltInRoleGrants(
            BuiltInRoleGrant.Of(BuiltInRoles.SalesManager, Modules, "view", "create", "edit", "delete", "import", "export", "transfer", "convert", "assign", "merge", "lock"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, Modules, "view", "create", "edit", "convert"),
            BuiltInRoleGrant.Of(BuiltInRoles.SalesRep, ["followups"], "delete"),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["followups"], "view", "create", "edit"),
            BuiltInRoleGrant.Of(BuiltInRoles.ServiceAgent, ["customers", "contacts"], "view"));
        return services;
    }

    /// <summary>The permission modules of the sales records, declared by their <c>AddOwnedRecords</c>.</summary>
    private static readonly string[] Modules = ["leads", "customers", "contacts", "opportunities", "followups"];

    /// <summary>The routes not declared through <see cref="IApiFeature"/> (the owned record types bring theirs).</summary>
    public static IEndpointRouteBuilder MapSales(this IEndpointRouteBuilder api) => api.MapPipelines();
}
