using Crm.Domain.Sales;
using Crm.Sales.Leads;
using Crm.Storage.Records;

namespace Crm.Sales.FollowUps;

/// <summary>
/// A converted lead's follow-ups move to the customer it became (PRODUCT.md: conversion carries its
/// follow-ups), so the customer's <c>lastFollowUpAt</c> and timeline continue where the lead's stopped.
/// Idempotent: a retried conversion finds none left on the lead.
/// </summary>
internal sealed class LeadFollowUpsMove(FollowUpService followUps, RecordStore<Lead> leads, RecordStore<Customer> customers) : ILeadConversionStep
{
    public Task RunAsync(LeadConversionContext conversion, CancellationToken cancellationToken) =>
        followUps.MoveAsync(conversion.Write, leads.TypeName, conversion.Lead.Id, customers.TypeName, conversion.CustomerId, cancellationToken);
}
