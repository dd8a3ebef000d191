using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Crm.Platform.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Crm.ApiTests.Access;

/// <summary>One permission model, declared by every endpoint and checked in one place.</summary>
public sealed class EndpointPermissionTests(CrmApp app) : IClassFixture<CrmApp>
{
    private IReadOnlyList<RouteEndpoint> Endpoints =>
        app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    [Fact]
    public void EveryAuthenticatedEndpointDeclaresWhatItNeeds()
    {
        var undeclared = Endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<RequiredPermission>() is null)
            .Select(e => $"{string.Join(',', e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}")
            .ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a declared permission:\n" + string.Join('\n', undeclared));
        Assert.Contains(Endpoints, e => e.RoutePattern.RawText!.StartsWith("/api/v1/users", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDeclaredPermissionIsInTheCatalogue()
    {
        var catalogue = app.Service<PermissionCatalogue>();
        var unknown = Endpoints.Select(e => e.Metadata.GetMetadata<RequiredPermission>()?.Permission)
            .OfType<string>().Where(p => !catalogue.Contains(p)).Distinct().ToList();
        Assert.Empty(unknown);
    }

    /// <summary>products, services, vendors, pricebooks, quotes, contracts, purchaseorders, inventory, warehouses, invoices, shipments, receipts.</summary>
    private const int CommerceModules = 12;

    /// <summary>tasks, calendarevents, tags, announcements.</summary>
    private const int CollaborationModules = 4;

    /// <summary>The platform's record types with a module of their own: approvalflows, documents (the document library's folders).</summary>
    private const int PlatformRecordModules = 2;

    [Fact]
    public void RecordTypesRegisteredInTheHostBringTheirModuleToTheCatalogue()
    {
        var catalogue = app.Service<PermissionCatalogue>();
        Assert.True(catalogue.Contains("memos.export"));
        // The platform's modules, the sales module's five, the commerce and collaboration modules' and the test host's one.
        Assert.Equal(Permissions.Platform.Count + PlatformRecordModules + 5 + CommerceModules + CollaborationModules + 1, catalogue.Modules.Count);
        Assert.Single(catalogue.Modules, m => m.Module == "memos");
        Assert.Contains(Endpoints, e => e.RoutePattern.RawText == "/api/v1/memos/{id}/team/{userId}");
    }

    [Fact]
    public void OnlySignInHealthAndDocsAreAnonymous()
    {
        var anonymous = Endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!.TrimEnd('/')).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.All(anonymous, route => Assert.True(
            route.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || route is "/api/v1/tenants" or "/healthz" or "/readyz" || route.StartsWith("/openapi", StringComparison.Ordinal),
            $"{route} is anonymous"));
    }
}
