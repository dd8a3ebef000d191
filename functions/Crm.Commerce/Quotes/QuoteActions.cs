using Crm.Commerce.Contracts;
using Crm.Commerce.SalesDocuments;
using Crm.Domain.Access;
using Crm.Domain.Commerce;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Approvals;
using Crm.Platform.Records;
using Crm.Platform.Web;

namespace Crm.Commerce.Quotes;

/// <summary>
/// A quote's actions: the stage moves outside its approval (sending is an action until e-mail sending comes with
/// messaging) and the conversion of an accepted quote to a contract.
/// </summary>
internal sealed class QuoteActions(QuoteService quotes, ContractService contracts, DocumentActions actions, TimeProvider clock) : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/api/v1/quotes").WithTags("Quotes");
        group.MapPost("/{id}/stage", MoveQuoteStage).RequirePermission("quotes.edit").WithName("MoveQuoteStage").ChecksIfMatch()
            .WithSummary("Move a quote to another stage (draft, sent, accepted, rejected or expired) as its stage allows; review and approval go through its approval");
        group.MapPost("/{id}/convert", ConvertQuote).RequirePermission("contracts.create").WithName("ConvertQuote").TakesNoBody()
            .WithSummary("Make a draft contract from an accepted quote, with its lines and links; 201, or 200 with the contract it already became");
    }

    public static async Task<RecordJson<Quote>> MoveQuoteStage(string id, MoveQuoteStage input, QuoteService quotes, DocumentActions actions, Approvals approvals,
        HttpContext context)
    {
        RequestValidation.Validate(input);
        var stage = input.Stage!.Value;
        var today = await actions.TodayAsync(context.Caller().TenantId, context.RequestAborted);
        return await actions.RunAsync(context, quotes.Store, id, Permissions.Actions.Edit, Activities.StageChanged, (caller, write) => async quote =>
        {
            if (SalesDocumentRules.IsMovedByApproval(quote.Stage, stage))
            {
                throw new ConflictException("quote.stage_by_approval",
                    "A quote goes into review, out of it and to approved only through its approval: POST /api/v1/quotes/{id}/approval/submit, then approve, reject or withdraw.");
            }
            // A draft goes straight to the customer only where its approval would have approved it at once.
            if (quote.Stage == QuoteStage.Draft && stage == QuoteStage.Sent
                && await approvals.WouldWaitAsync(caller, approvals.Document(QuoteApproval.TypeName), quote.Id, context.RequestAborted))
            {
                throw new ConflictException("quote.approval_required", "An approval flow applies to this quote: submit it for approval and send it once approved.");
            }
            return SalesDocumentRules.Move(quote, stage, caller.UserId, write.Now, today);
        });
    }

    public static async Task<RecordJson<Contract>> ConvertQuote(string id, QuoteActions conversion, ContractService contracts, HttpContext context)
    {
        var caller = context.Caller();
        var (contract, created) = await conversion.ConvertAsync(caller, id, context.RequestAborted);
        Preconditions.SetETag(context, contract);
        var body = RecordShape.Of(caller, contracts.Store.TableName, contract);
        return created
            ? new RecordJson<Contract>(body, StatusCodes.Status201Created, $"{context.Request.PathBase}/api/v1/contracts/{contract.Id}")
            : new RecordJson<Contract>(body);
    }

    /// <summary>
    /// Idempotent: the contract's id is reserved on the quote before the contract is written, so a repeated or
    /// interrupted conversion finds (or finishes) the same contract instead of making a second one.
    /// </summary>
    public async Task<(Contract Contract, bool Created)> ConvertAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var quote = await actions.GetForAsync(caller, quotes.Store, id, Permissions.Actions.Edit, cancellationToken);
        if (quote.Stage != QuoteStage.Accepted)
        {
            throw new ConflictException("quote.not_accepted", $"Only an accepted quote converts to a contract; this one is {SalesDocumentRules.Camel(quote.Stage)}.");
        }
        if (quote.ContractId is null)
        {
            var reserved = Ids.New(clock.GetUtcNow());
            quote = await quotes.Store.UpdateAsync(caller.Write(clock).As(Activities.Converted), id, null,
                q => ValueTask.FromResult(q.ContractId is null ? q with { ContractId = reserved } : q), cancellationToken: cancellationToken);
        }
        var contractId = quote.ContractId!;
        if (await contracts.Store.FindAsync(caller.TenantId, contractId, cancellationToken) is { } existing)
        {
            return (existing, false);
        }
        if (await contracts.Store.FindInBinAsync(caller.TenantId, contractId, cancellationToken) is not null)
        {
            throw new ConflictException("quote.contract_deleted", "The contract made from this quote is in the recycle bin; restore it rather than convert again.",
                new Dictionary<string, object?> { ["contractId"] = contractId });
        }
        var input = new ContractFields
        {
            Name = quote.Name,
            CustomerId = quote.CustomerId,
            OpportunityId = quote.OpportunityId,
            SignerContactId = quote.ContactId,
            Currency = quote.Currency,
            Terms = quote.Terms,
            Description = quote.Description,
        };
        // The quote's lines and price book go across as they were accepted, even if an item has left the shelf since.
        var seed = new RecordSeed<Contract>(contractId, Activities.Converted,
            c => c with { QuoteId = quote.Id, PriceBookId = quote.PriceBookId, Lines = quote.Lines });
        try
        {
            return (await contracts.CreateAsync(caller, input, seed, cancellationToken), true);
        }
        catch (ConflictException e) when (e.Code == "record.exists")
        {
            // A concurrent conversion wrote it first.
            return (await contracts.Store.GetAsync(caller.TenantId, contractId, cancellationToken), false);
        }
    }
}
