using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Timeline;
using Crm.Storage.Records;

namespace Crm.Sales.Leads;

/// <summary>
/// A customer, contact or opportunity made from a lead shows the lead's history on its timeline
/// (PRODUCT.md: conversion carries the lead's history), each item naming the lead as its record.
/// </summary>
internal sealed class ConvertedLeadLinks(RecordStore<Lead> leads) : ITimelineLinks
{
    public IReadOnlyList<TimelineSource> Links(RecordBase record)
    {
        var leadIds = record switch
        {
            Customer customer => customer.ConvertedFromLeadIds,
            Contact { ConvertedFromLeadId: { } fromContact } => [fromContact],
            Opportunity { ConvertedFromLeadId: { } fromOpportunity } => [fromOpportunity],
            _ => (IReadOnlyList<string>)[],
        };
        return [.. leadIds.Select(id => new TimelineSource(leads.TypeName, id))];
    }
}
