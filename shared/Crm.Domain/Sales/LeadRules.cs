using Crm.Domain.Common;

namespace Crm.Domain.Sales;

public static class LeadRules
{
    /// <summary>The status a lead starts with when none is given (a leadStatus dictionary value).</summary>
    public const string InitialStatus = "new";

    public const string AlreadyConverted = "lead.already_converted";
    public const string Converted = "lead.converted";
    public const string ConversionInProgress = "lead.conversion_in_progress";

    /// <summary>A converted lead is a record of what happened: it is not edited, transferred or converted again.</summary>
    public static void EnsureNotConverted(Lead lead, string code = Converted)
    {
        if (lead.IsConverted)
        {
            throw new ConflictException(code, $"The lead '{lead.Id}' was converted on {lead.ConvertedAt:yyyy-MM-dd}; work on its customer '{lead.ConvertedTo?.CustomerId}' instead.",
                new Dictionary<string, object?> { ["convertedTo"] = lead.ConvertedTo });
        }
    }

    /// <summary>
    /// The ids a conversion makes or links. A retry keeps every id an earlier attempt reserved, so it finds the
    /// records that attempt made; the customer may still change (e.g. to an existing one after a duplicate
    /// name) until a record was made with it, and an opportunity already made stays part of the conversion.
    /// </summary>
    public static LeadConversionProgress Plan(Lead lead, string? existingCustomerId, bool wantsOpportunity, bool customerMade, bool contactMade,
        bool opportunityMade, string actorId, DateTimeOffset now, Func<string> newId)
    {
        EnsureNotConverted(lead, AlreadyConverted);
        var held = lead.Conversion;
        string customerId;
        bool links;
        if (held is not null && ((customerMade && !held.LinksExistingCustomer) || contactMade))
        {
            if ((existingCustomerId is not null && existingCustomerId != held.CustomerId) || (existingCustomerId is null && held.LinksExistingCustomer))
            {
                throw new ConflictException(ConversionInProgress, "An earlier attempt to convert this lead already made records for another customer; retry with that customer.",
                    new Dictionary<string, object?> { ["customerId"] = held.CustomerId, ["existingCustomerId"] = held.LinksExistingCustomer ? held.CustomerId : null });
            }
            (customerId, links) = (held.CustomerId, held.LinksExistingCustomer);
        }
        else if (existingCustomerId is not null)
        {
            (customerId, links) = (existingCustomerId, true);
        }
        else
        {
            (customerId, links) = (held is { LinksExistingCustomer: false } ? held.CustomerId : newId(), false);
        }
        var contactId = held?.ContactId ?? newId();
        var opportunityId = wantsOpportunity ? held?.OpportunityId ?? newId() : opportunityMade ? held?.OpportunityId : null;
        return new LeadConversionProgress(customerId, links, contactId, opportunityId, held?.StartedAt ?? now, held?.StartedBy ?? actorId);
    }

    /// <summary>The lead as its conversion leaves it: read-only, out of lists, pointing at what it became.</summary>
    public static Lead MarkConverted(Lead lead, LeadConversionProgress progress, string actorId, DateTimeOffset now) => lead with
    {
        Conversion = null,
        ConvertedAt = now,
        ConvertedBy = actorId,
        ConvertedTo = new LeadConvertedTo(progress.CustomerId, progress.ContactId, progress.OpportunityId),
    };
}
