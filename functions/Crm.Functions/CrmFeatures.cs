using Crm.Functions.Hosting;
using Crm.Collaboration;
using Crm.Commerce;
using Crm.Platform;
using Crm.Platform.Records;
using Crm.Sales;

namespace Crm.Functions;

/// <summary>The CRM's modules, in dependency order, and what only the host maps (health, the OpenAPI document).</summary>
internal static class CrmFeatures
{
    public static IServiceCollection AddCrmFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPlatform(configuration);
        services.AddSales();
        services.AddCommerce();
        services.AddCollaboration();
        return services;
    }

    public static WebApplication MapCrmApi(this WebApplication app)
    {
        app.MapHealth();
        app.MapOpenApi().AllowAnonymous();
        var api = app.MapGroup("");
        api.MapPlatform();
        api.MapSales();
        api.MapCommerce();
        api.MapCollaboration();
        // Record types registered with AddOwnedRecords, and features' own actions, bring their own routes.
        foreach (var feature in app.Services.GetServices<IApiFeature>())
        {
            feature.Map(api);
        }
        return app;
    }
}
