using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Platform.Web;

namespace Crm.Sales.Leads;

internal static class LeadRegistration
{
    /// <summary>Leads as owned records, with transfer and conversion; conversion steps of other features join through <see cref="ILeadConversionStep"/>.</summary>
    public static IServiceCollection AddLeads(this IServiceCollection services)
    {
        services.AddOwnedRecords<Lead, LeadRecordType, LeadFields, LeadService>("Leads", "Lead", "Leads",
            (OwnerTransfer.Action, "Give leads to another owner"), (LeadConversion.Action, "Convert leads into customers"));
        services.AddSingleton<LeadConversion>();
        services.AddSingleton<IApiFeature, LeadActions>();
        // What a lead became shows the lead's history too (follow-ups give leads their timeline).
        services.AddSingleton<ITimelineLinks, ConvertedLeadLinks>();
        services.AddSingleton<ILeadConversionStep, LeadAttachmentsMove>();
        return services;
    }
}

/// <summary>What leads do besides the shared record endpoints: transfer and convert.</summary>
internal sealed class LeadActions : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var leads = api.MapGroup("/api/v1/leads").WithTags("Leads");
        leads.MapPost("/transfer", Transfer).RequirePermission("leads.transfer").WithName("TransferLeads").ProducesBatch()
            .WithSummary("Give up to 100 leads to another owner; 200, or 207 with each item's outcome");
        leads.MapPost("/{id}/convert", Convert).RequirePermission("leads.convert").WithName("ConvertLead")
            .WithSummary("Convert a lead into a customer (or link an existing one), a contact and optionally an opportunity; safe to retry");
    }

    /// <summary>A converted lead stays with the owner it had (409 <c>lead.converted</c>).</summary>
    public static async Task<IResult> Transfer(TransferRecords input, OwnerTransfer transfer, LeadService leads, HttpContext context) =>
        Batch.Answer(await transfer.TransferAsync(context.Caller(), leads.Store, input, (Lead l) => LeadRules.EnsureNotConverted(l), context.RequestAborted), context);

    public static async Task<RecordJson<Lead>> Convert(string id, ConvertLead input, LeadConversion conversion, HttpContext context)
    {
        var caller = context.Caller();
        var lead = await conversion.ConvertAsync(caller, id, input, context.RequestAborted);
        Preconditions.SetETag(context, lead);
        return new RecordJson<Lead>(RecordShape.Of(caller, "leads", lead));
    }
}
