using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

using ContactRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Contact, Crm.Sales.Contacts.ContactFields, Crm.Sales.Contacts.ContactService>;
using CustomerRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Customer, Crm.Sales.Customers.CustomerFields, Crm.Sales.Customers.CustomerService>;

namespace Crm.Sales.Contacts;

/// <summary>
/// A customer's contacts, as a list and as the reports-to tree. Both need the customer in the caller's
/// view and show only the contacts the caller's own contacts scope shows.
/// </summary>
internal static class CustomerContactsApi
{
    /// <summary>More than any real account has; past it the tree would be a report, not a picture.</summary>
    public const int MaxTreeContacts = 2_000;

    public static void Map(RouteGroupBuilder customers)
    {
        customers.MapGet("/{id}/contacts", ListCustomerContacts).RequirePermission($"contacts.{Permissions.Actions.View}")
            .WithName("ListCustomerContacts").WithSummary("The contacts of a customer, paged like any list");
        customers.MapGet("/{id}/contacts/tree", GetCustomerContactTree).RequirePermission($"contacts.{Permissions.Actions.View}")
            .WithName("GetCustomerContactTree").WithSummary("The contacts of a customer as a tree by reportsToId (each node has its reports)");
    }

    public static async Task<RecordJson<Page<Contact>>> ListCustomerContacts(string id, CustomerRecords customers, ContactRecords contacts,
        TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var customer = await customers.ReadAsync(caller, id, context.RequestAborted);
        var query = await ListParameters.ReadAsync(context, tenants, caller.TenantId, clock);
        query = query with { FieldEquals = [.. query.FieldEquals.Where(f => f.Key != "customerId"), new("customerId", customer.Id)] };
        var page = await contacts.ListAsync(caller, query, context.RequestAborted);
        return new RecordJson<Page<Contact>>(RecordShape.Page(caller, contacts.Store.TableName, page));
    }

    public static async Task<RecordJson<ContactNode[]>> GetCustomerContactTree(string id, CustomerRecords customers, ContactRecords contacts,
        TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        var customer = await customers.ReadAsync(caller, id, context.RequestAborted);
        var query = new ListQuery { FieldEquals = [new("customerId", customer.Id)], Limit = 200, Now = clock.GetUtcNow() };
        var all = new List<Contact>();
        do
        {
            var page = await contacts.ListAsync(caller, query, context.RequestAborted);
            all.AddRange(page.Items);
            query = query with { Cursor = page.NextCursor };
        }
        while (query.Cursor is not null && all.Count < MaxTreeContacts);
        var module = contacts.Store.TableName;
        JsonObject Node(ContactNode node)
        {
            var json = RecordShape.Of(caller, module, node.Contact);
            json["reports"] = new JsonArray([.. node.Reports.Select(r => (JsonNode)Node(r))]);
            return json;
        }
        return new RecordJson<ContactNode[]>(new JsonObject
        {
            ["items"] = new JsonArray([.. ContactHierarchy.Tree(all).Select(n => (JsonNode)Node(n))]),
            ["truncated"] = query.Cursor is not null,
        });
    }
}
