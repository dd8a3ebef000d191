using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Sales.Pool;

/// <summary>
/// <c>/api/v1/pool</c>: anyone with <c>customers.view</c> browses the pool (it is nobody's data scope, so
/// it has its own list); claiming needs <c>customers.create</c> too, as it adds to one's book like a new
/// customer does; assigning needs <c>customers.assign</c>. Release sits with the customer's own actions.
/// </summary>
internal sealed class PoolEndpoints : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var pool = api.MapGroup("/api/v1/pool").WithTags("Public pool");
        pool.MapGet("/", ListPool).RequirePermission("customers.view").WithName("ListPoolCustomers").WithMetadata(ListParameters.Filters<Customer>(api))
            .WithSummary("Customers in the public pool (no owner), newest change first; q and field filters as in customer lists");
        pool.MapGet("/{id}", GetPoolCustomer).RequirePermission("customers.view").WithName("GetPoolCustomer")
            .WithSummary("Read a customer in the public pool");
        pool.MapPost("/claim", Claim).RequirePermission("customers.create").WithName("ClaimPoolCustomers").ProducesBatch()
            .WithSummary("Take up to 100 pool customers as their owner, within the claim cap and cool-down; 200, or 207 with each item's outcome");
        pool.MapPost("/assign", Assign).RequirePermission("customers.assign").WithName("AssignPoolCustomers").ProducesBatch()
            .WithSummary("Give up to 100 pool customers to a user; 200, or 207 with each item's outcome");
        api.MapGroup("/api/v1/customers").WithTags("Public pool")
            .MapPost("/{id}/release", Release).RequirePermission("customers.edit").WithName("ReleaseCustomer").ChecksIfMatch()
            .WithSummary("Give a customer back to the public pool (owner, or edit scope over the owner); locked customers stay");
        PoolSettingsEndpoints.Map(api);
        PoolRuleEndpoints.Map(api);
    }

    public static async Task<RecordJson<Page<Customer>>> ListPool(PublicPool pool, TenantStore tenants, TimeProvider clock, HttpContext context,
        int? limit = null, string? cursor = null, string? sort = null, string? q = null)
    {
        var caller = context.Caller();
        var query = RecordGuard.RestrictQuery(caller, pool.Store.TableName, await ListParameters.ReadAsync(context, tenants, caller.TenantId, clock));
        return new RecordJson<Page<Customer>>(RecordShape.Page(caller, pool.Store.TableName, await pool.ListAsync(caller.TenantId, query, context.RequestAborted)));
    }

    public static async Task<RecordJson<Customer>> GetPoolCustomer(string id, PublicPool pool, HttpContext context)
    {
        var caller = context.Caller();
        var customer = await pool.GetAsync(caller.TenantId, id, context.RequestAborted);
        Preconditions.SetETag(context, customer);
        return new RecordJson<Customer>(RecordShape.Of(caller, pool.Store.TableName, customer));
    }

    public static async Task<IResult> Claim(ClaimCustomers input, PublicPool pool, HttpContext context) =>
        Batch.Answer(await pool.ClaimAsync(context.Caller(), input, context.RequestAborted), context);

    public static async Task<IResult> Assign(AssignCustomers input, PublicPool pool, HttpContext context) =>
        Batch.Answer(await pool.AssignAsync(context.Caller(), input, context.RequestAborted), context);

    /// <summary>The body is optional: <c>{ "reason": "..." }</c>.</summary>
    public static async Task<RecordJson<Customer>> Release(string id, PublicPool pool, TenantStore tenants, HttpContext context, ReleaseCustomer? input = null)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var released = await pool.ReleaseAsync(caller, id, ifMatch, input ?? new ReleaseCustomer(), context.RequestAborted);
        Preconditions.SetETag(context, released);
        return new RecordJson<Customer>(RecordShape.Of(caller, pool.Store.TableName, released));
    }
}
