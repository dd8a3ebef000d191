using Crm.Domain.Sales;
using Crm.Sales.Customers;
using Crm.Platform.Records;

namespace Crm.Sales.Contacts;

internal static class ContactRegistration
{
    /// <summary>Contacts as owned records of their customers: the customer's contact list and tree, and what follows the customer.</summary>
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddOwnedRecords<Contact, ContactRecordType, ContactFields, ContactService>("Contacts", "Contact", "Contacts");
        services.AddSingleton<IRestoreGuard>(sp => sp.GetRequiredService<ContactService>());
        services.AddSingleton<ICustomerDependents, CustomerContacts>();
        services.AddSingleton<IApiFeature, CustomerContactsRoutes>();
        return services;
    }
}

internal sealed class CustomerContactsRoutes : IApiFeature
{
    public void Map(IEndpointRouteBuilder api) => CustomerContactsApi.Map(api.MapGroup("/api/v1/customers").WithTags("Customers"));
}
