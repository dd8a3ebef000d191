using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;

namespace Crm.Sales.Customers;

internal static class CustomerRegistration
{
    /// <summary>Customers as owned records, with the actions of their own; what belongs to a customer joins through <see cref="ICustomerDependents"/>.</summary>
    public static IServiceCollection AddCustomers(this IServiceCollection services)
    {
        services.AddOwnedRecords<Customer, CustomerRecordType, CustomerFields, CustomerService>("Customers", "Customer", "Customers",
            (OwnerTransfer.Action, "Give customers to another owner"), ("assign", "Assign customers from the public pool"),
            ("merge", "Merge duplicate customers"), ("lock", "Lock and unlock customers"));
        services.AddSingleton<CustomerTransfer>();
        services.AddSingleton<CustomerCascade>();
        services.AddSingleton<CustomerMerge>();
        services.AddSingleton<DuplicateCheck>();
        services.AddSingleton<IApiFeature, CustomerActions>();
        return services;
    }
}

/// <summary>What customers do besides the shared record endpoints: transfer, lock, merge, duplicate check.</summary>
internal sealed class CustomerActions : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var customers = api.MapGroup("/api/v1/customers").WithTags("Customers");
        customers.MapPost("/transfer", Transfer).RequirePermission("customers.transfer").WithName("TransferCustomers").ProducesBatch()
            .WithSummary("Give up to 100 customers to another owner, optionally with their contacts; 200, or 207 with each item's outcome");
        customers.MapPost("/merge", Merge).RequirePermission("customers.merge").WithName("MergeCustomers")
            .WithSummary("Merge duplicate customers into one: contacts and team move, empty fields are filled, the sources go to the recycle bin");
        customers.MapPost("/{id}/lock", CustomerLocks.Lock).RequirePermission("customers.lock").WithName("LockCustomer").ChecksIfMatch()
            .WithSummary("Lock a customer: it keeps its owner (no transfer, no release to the pool)");
        customers.MapPost("/{id}/unlock", CustomerLocks.Unlock).RequirePermission("customers.lock").WithName("UnlockCustomer").ChecksIfMatch()
            .WithSummary("Unlock a customer");
        api.MapGroup("/api/v1/duplicates").WithTags("Customers")
            .MapPost("/check", CheckDuplicates).RequirePermission("customers.view").WithName("CheckDuplicates")
            .WithSummary("Possible duplicates of a customer or contact by name, phone or e-mail: those you may see, and a count of the others");
    }

    public static async Task<IResult> Transfer(TransferCustomers input, CustomerTransfer transfer, HttpContext context) =>
        Batch.Answer(await transfer.TransferAsync(context.Caller(), input, context.RequestAborted), context);

    public static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<MergeResult>> Merge(MergeCustomers input, CustomerMerge merge, HttpContext context) =>
        TypedResults.Ok(await merge.MergeAsync(context.Caller(), input, context.RequestAborted));

    public static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<DuplicateReport>> CheckDuplicates(CheckDuplicates input, DuplicateCheck check, HttpContext context) =>
        TypedResults.Ok(await check.CheckAsync(context.Caller(), input, context.RequestAborted));
}
