using System.Text.Json.Nodes;
using Crm.Commerce.Numbering;
using Crm.Commerce.SalesDocuments;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Commerce.Quotes;

/// <summary>
/// A quote's write rules: it belongs for good to a customer the writer can see, with an opportunity and contact of
/// that customer; its lines are priced from its price book (the customer's default when none is named) in its fixed
/// currency; it is numbered by the tenant's rule as it is written; and it is edited only as a draft.
/// </summary>
internal sealed class QuoteService(RecordStore<Quote> store, SalesDocumentParties parties, SalesLinePricer pricer,
    DocumentNumbers numbers, OwnedAccess access, TimeProvider clock)
    : RecordService<Quote, QuoteFields>(store, access, clock)
{
    public const string Kind = "quote";

    /// <summary>Fields only the actions (or the engine) set.</summary>
    private static readonly string[] ByAction = ["number", "stage", "stageHistory", "totals", "contractId", "approvalId"];

    protected override async ValueTask<Quote> CreatingAsync(Caller caller, QuoteFields input, Quote quote, DateTimeOffset now, CancellationToken cancellationToken)
    {
        SalesDocumentChecks.EnsureCurrency(input.Currency);
        var customer = await parties.CustomerAsync(caller, input.CustomerId, Kind, cancellationToken);
        await parties.EnsureOpportunityAsync(caller, customer.Id, input.OpportunityId, null, Kind, cancellationToken);
        await parties.EnsureContactAsync(caller, customer.Id, "contactId", input.ContactId, null, Kind, cancellationToken);
        var (book, currency) = await pricer.OpeningAsync(caller, customer, input.PriceBookId, input.Currency, cancellationToken);
        var lines = await pricer.PriceAsync(caller, input.LineInputs ?? [], [], book, currency, cancellationToken);
        return quote with
        {
            PriceBookId = book?.Id,
            Currency = currency,
            Lines = lines,
            Stage = QuoteStage.Draft,
            StageHistory = [new StatusChange(null, SalesDocumentRules.Camel(QuoteStage.Draft), now, caller.UserId)],
        };
    }

    protected override Task<Quote> StoringAsync(WriteContext write, Quote record, CancellationToken cancellationToken) =>
        numbers.CreateAsync(Store, write, n => n.Quotes, record, (q, number) => q with { Number = number }, cancellationToken);

    protected override void CheckPatch(JsonObject patch)
    {
        if (ByAction.FirstOrDefault(patch.ContainsKey) is { } field)
        {
            throw new ValidationException(field, "The number and totals are computed; the stage moves by POST /api/v1/quotes/{id}/stage and by approval; conversion sets contractId.",
                "quote.field_by_action");
        }
    }

    protected override void EnsureEditable(Quote current)
    {
        if (!SalesDocumentRules.IsEditable(current.Stage))
        {
            throw new ConflictException("quote.not_editable",
                current.Stage == QuoteStage.InReview
                    ? "The quote is under approval; withdraw it to edit."
                    : $"A quote that is {SalesDocumentRules.Camel(current.Stage)} is not edited; move it back to draft first (an approved, sent, rejected or expired one), or make a new one.");
        }
    }

    protected override async ValueTask<Quote> UpdatingAsync(Caller caller, Quote current, QuoteFields changes, Quote updated, CancellationToken cancellationToken)
    {
        await parties.EnsureOpportunityAsync(caller, current.CustomerId, changes.OpportunityId, current.OpportunityId, Kind, cancellationToken);
        await parties.EnsureContactAsync(caller, current.CustomerId, "contactId", changes.ContactId, current.ContactId, Kind, cancellationToken);
        var lines = await pricer.RepricedAsync(caller, changes.LineInputs, current.Lines, changes.PriceBookId, current.PriceBookId, current.Currency, cancellationToken);
        return updated with { Currency = current.Currency, Lines = lines };
    }

    /// <summary>Every live quote of a customer, whoever owns it (cascade, merge, timeline).</summary>
    public IAsyncEnumerable<Quote> OfCustomerAsync(string tenantId, string customerId, CancellationToken cancellationToken) =>
        Store.ListAllAsync(tenantId, new ListQuery { FieldEquals = [new("customerId", customerId)], Limit = 200 }, cancellationToken);
}
